// The simulated human for the grid: an optimal, deterministic shortest-path expert (a drop-in for the
// neural expert AIM loaded from best_model_minigrid_4roomlarge.zip), with two ways of being imperfect:
// ε-random actions, or AIM's "failure demo" (MinigridWrapperWithFakeHumanAndHumanFailureDemo).
import type { GridEnv } from '../sim/grid/env.ts';
import {
  FORWARD,
  LEFT,
  NUM_ACTIONS,
  OBJ_DOOR,
  DOOR_CLOSED,
  DONE,
  RIGHT,
  TOGGLE,
  DIR_DX,
  DIR_DY,
} from '../sim/grid/codes.ts';
import { canEnter } from '../sim/grid/world.ts';
import type { Rng } from '../sim/random.ts';
import type { Expert } from './expert.ts';
import { GridPlanner, UNREACHABLE } from './grid-planner.ts';

export type GridExpertNoise =
  /** With probability epsilon a uniformly random action of the 7, else the expert's. */
  | { kind: 'epsilon'; epsilon: number }
  /**
   * AIM's failure demo: before its first failure in an episode, each step starts one with probability
   * `prob`; a failure lasts `steps` steps, each a uniformly random *wrong* one of left/right/forward
   * (AIM marks these steps as takeovers). As in AIM, at most one failure per episode.
   */
  | { kind: 'failure-demo'; prob: number; steps: number };

export interface GridExpertOptions {
  /** How sample() departs from act(); default ε-random with ε = 0.1. */
  noise: GridExpertNoise;
}

export const FAILURE_DEMO_AIM: GridExpertNoise = { kind: 'failure-demo', prob: 0.1, steps: 50 };

export interface GridExpert extends Expert {
  /** True when the last sample() came from a failure demo (AIM records those steps as takeover). */
  readonly failing: boolean;
  /** The optimal number of steps from the current state to the goal (Infinity if it cannot be reached). */
  costToGo(): number;
}

export function createGridExpert(env: GridEnv, options: Partial<GridExpertOptions> = {}): GridExpert {
  const noise = options.noise ?? { kind: 'epsilon', epsilon: 0.1 };
  checkNoise(noise);
  return new ShortestPathExpert(env, noise);
}

class ShortestPathExpert implements GridExpert {
  private readonly env: GridEnv;
  private readonly noise: GridExpertNoise;
  private readonly planner = new GridPlanner();
  private failStep = 0;
  private failedThisEpisode = false;
  failing = false;

  constructor(env: GridEnv, noise: GridExpertNoise) {
    this.env = env;
    this.noise = noise;
  }

  reset(): void {
    this.failStep = 0;
    this.failedThisEpisode = false;
    this.failing = false;
  }

  act(): Float64Array {
    return Float64Array.of(this.bestAction());
  }

  /** Call once per environment step: the failure demo counts its steps through these calls. */
  sample(rng: Rng): Float64Array {
    const best = this.bestAction();
    if (this.noise.kind === 'epsilon') {
      this.failing = false;
      return Float64Array.of(rng.next() < this.noise.epsilon ? rng.int(0, NUM_ACTIONS) : best);
    }
    if (!this.failing && !this.failedThisEpisode && rng.next() < this.noise.prob) {
      this.failing = true;
      this.failedThisEpisode = true;
      this.failStep = 0;
    } else if (this.failing && this.failStep === this.noise.steps) {
      this.failing = false;
    }
    if (!this.failing) return Float64Array.of(best);
    this.failStep++;
    // One of left/right/forward other than the expert's choice (all three if it chose toggle).
    const wrong = [LEFT, RIGHT, FORWARD].filter((a) => a !== best);
    return Float64Array.of(wrong[rng.int(0, wrong.length)]);
  }

  costToGo(): number {
    const cost = this.planner.costToGo(this.env.state());
    return cost >= UNREACHABLE ? Infinity : cost;
  }

  /**
   * The first edge of a shortest path: the successor with the least (edge cost + cost-to-go), ties
   * broken forward < left < right. Walking into a closed door is emitted as toggle now, forward next
   * step; an open door is walked through, never toggled (that would close it). When the goal cannot
   * be reached at all the expert answers `done`, which changes nothing.
   */
  private bestAction(): number {
    const w = this.env.state();
    const cost = this.planner.costs(w);
    const here = w.agentIndex();
    const d = w.agentDir;
    const front = w.index(w.agentX + DIR_DX[d], w.agentY + DIR_DY[d]);
    let best = DONE;
    let bestCost = UNREACHABLE;
    const closedDoor = w.obj[front] === OBJ_DOOR && w.state[front] === DOOR_CLOSED;
    if (closedDoor || canEnter(w.obj[front], w.state[front])) {
      const c = (closedDoor ? 2 : 1) + cost[front * 4 + d];
      if (c < bestCost) {
        best = closedDoor ? TOGGLE : FORWARD;
        bestCost = c;
      }
    }
    const left = 1 + cost[here * 4 + ((d + 3) & 3)];
    if (left < bestCost) {
      best = LEFT;
      bestCost = left;
    }
    const right = 1 + cost[here * 4 + ((d + 1) & 3)];
    if (right < bestCost) best = RIGHT;
    return best;
  }
}

function checkNoise(noise: GridExpertNoise): void {
  if (noise.kind === 'epsilon') {
    if (!(noise.epsilon >= 0 && noise.epsilon <= 1))
      throw new RangeError(`grid expert epsilon must lie in [0, 1], got ${noise.epsilon}`);
  } else if (noise.kind === 'failure-demo') {
    if (!(noise.prob >= 0 && noise.prob <= 1))
      throw new RangeError(`grid expert failure probability must lie in [0, 1], got ${noise.prob}`);
    if (!Number.isInteger(noise.steps) || noise.steps < 1)
      throw new RangeError(`grid expert failure length must be a positive integer, got ${noise.steps}`);
  } else {
    throw new RangeError(
      `unknown grid expert noise '${(noise as { kind: string }).kind}' (epsilon or failure-demo)`,
    );
  }
}
