// A fixed-capacity transition store in flat typed arrays. Unlike SB3's memory-optimised buffer, the
// next observation is stored explicitly: the human buffer is not contiguous in time, so obs[i+1]
// is not the successor of obs[i] there (aim-algorithm.md §11.5).
import type { Rng } from '../sim/random.ts';

export interface Transition {
  obs: ArrayLike<number>;
  nextObs: ArrayLike<number>;
  /** What the novice proposed. */
  noviceAction: ArrayLike<number>;
  /** What was applied: the expert's action under takeover, else the novice's. */
  appliedAction: ArrayLike<number>;
  intervention: boolean;
  interventionStart: boolean;
  done: boolean;
  /** The step reached the goal: the sparse success reward of thrifty-dagger-original's risk critic. */
  success: boolean;
}

/** A synthetic transition for tests and benchmarks: one action proposed and applied, the state its own successor. */
export function syntheticTransition(
  obs: ArrayLike<number>,
  action: ArrayLike<number>,
  intervention = true,
): Transition {
  return {
    obs,
    nextObs: obs,
    noviceAction: action,
    appliedAction: action,
    intervention,
    interventionStart: false,
    done: false,
    success: false,
  };
}

export interface Batch {
  size: number;
  obs: Float32Array;
  nextObs: Float32Array;
  noviceAction: Float32Array;
  appliedAction: Float32Array;
  intervention: Float32Array;
  interventionStart: Float32Array;
  done: Float32Array;
  success: Float32Array;
}

export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actionDim: number;
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly noviceAction: Float32Array;
  private readonly appliedAction: Float32Array;
  private readonly intervention: Uint8Array;
  private readonly interventionStart: Uint8Array;
  private readonly done: Uint8Array;
  private readonly success: Uint8Array;
  /** Transitions ever added (the reference code's `pos` before wrap-around). */
  private added = 0;

  constructor(capacity: number, obsDim: number, actionDim: number) {
    this.capacity = capacity;
    this.obsDim = obsDim;
    this.actionDim = actionDim;
    this.obs = new Float32Array(capacity * obsDim);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.noviceAction = new Float32Array(capacity * actionDim);
    this.appliedAction = new Float32Array(capacity * actionDim);
    this.intervention = new Uint8Array(capacity);
    this.interventionStart = new Uint8Array(capacity);
    this.done = new Uint8Array(capacity);
    this.success = new Uint8Array(capacity);
  }

  /** Number of transitions currently held. */
  get size(): number {
    return Math.min(this.added, this.capacity);
  }

  /** Number of transitions ever added, including overwritten ones. */
  get totalAdded(): number {
    return this.added;
  }

  add(t: Transition): void {
    if (t.obs.length !== this.obsDim || t.nextObs.length !== this.obsDim) {
      throw new RangeError(`observation has ${t.obs.length} values, buffer holds ${this.obsDim}`);
    }
    const i = this.added % this.capacity;
    this.obs.set(t.obs, i * this.obsDim);
    this.nextObs.set(t.nextObs, i * this.obsDim);
    this.noviceAction.set(t.noviceAction, i * this.actionDim);
    this.appliedAction.set(t.appliedAction, i * this.actionDim);
    this.intervention[i] = t.intervention ? 1 : 0;
    this.interventionStart[i] = t.interventionStart ? 1 : 0;
    this.done[i] = t.done ? 1 : 0;
    this.success[i] = t.success ? 1 : 0;
    this.added++;
  }

  /** `count` slot indices drawn uniformly with replacement from `pool` (default: every held slot). */
  sampleIndices(count: number, rng: Rng, pool?: ArrayLike<number>): Int32Array {
    const size = pool ? pool.length : this.size;
    if (size === 0) throw new RangeError('cannot sample from an empty buffer');
    const out = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const j = rng.int(0, size);
      out[k] = pool ? pool[j] : j;
    }
    return out;
  }

  /** Copies the given slots into a batch of contiguous arrays. */
  gather(indices: ArrayLike<number>): Batch {
    const n = indices.length;
    const { obsDim, actionDim } = this;
    const batch: Batch = {
      size: n,
      obs: new Float32Array(n * obsDim),
      nextObs: new Float32Array(n * obsDim),
      noviceAction: new Float32Array(n * actionDim),
      appliedAction: new Float32Array(n * actionDim),
      intervention: new Float32Array(n),
      interventionStart: new Float32Array(n),
      done: new Float32Array(n),
      success: new Float32Array(n),
    };
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      if (i < 0 || i >= this.size) throw new RangeError(`buffer index ${i} is outside 0..${this.size - 1}`);
      batch.obs.set(this.obs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
      batch.nextObs.set(this.nextObs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
      batch.noviceAction.set(this.noviceAction.subarray(i * actionDim, (i + 1) * actionDim), k * actionDim);
      batch.appliedAction.set(this.appliedAction.subarray(i * actionDim, (i + 1) * actionDim), k * actionDim);
      batch.intervention[k] = this.intervention[i];
      batch.interventionStart[k] = this.interventionStart[i];
      batch.done[k] = this.done[i];
      batch.success[k] = this.success[i];
    }
    return batch;
  }

  /** The held slots whose transition reached the goal, or did not. */
  slotsBySuccess(reached: boolean): Int32Array {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if ((this.success[i] === 1) === reached) out.push(i);
    return Int32Array.from(out);
  }

  /** Slot indices in insertion order for the first `count` transitions ever added (before wrap-around). */
  firstIndices(from: number, to: number): Int32Array {
    const out = new Int32Array(Math.max(0, to - from));
    for (let k = 0; k < out.length; k++) out[k] = (from + k) % this.capacity;
    return out;
  }
}
