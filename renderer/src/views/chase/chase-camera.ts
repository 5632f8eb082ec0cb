// The chase camera's pose, as MetaDrive's main camera places it (environments.md §i): 7.5 m behind
// the car along a smoothed forward direction, 2.2 m plus half the car's height above the chassis,
// looking at the chassis raised by 2 m (a shallow ≈ 6° pitch), 65° horizontal field of view.
// MetaDrive smooths the direction as the mean of the last 20 camera-task frames; its interactive
// (real-time) loop runs that task every physics step, 0.02 s. Here the direction is sampled on that
// 50 Hz clock, whatever the display rate, so the camera feels the same at 30, 60 or 144 fps.
// Pure: no three.js, no DOM, so it is unit-tested in Node.

export const CHASE_DEFAULTS = {
  /** Horizontal distance behind the car (m). */
  distance: 7.5,
  /** Height above the chassis, before half the car's height is added (m). */
  height: 2.2,
  /** The camera looks at the chassis raised by this much (m). */
  lookAbove: 2,
  /** Horizontal field of view (degrees), as Panda3D sets it. */
  horizontalFovDeg: 65,
  /** Forward direction = mean of the last this many samples. */
  smoothFrames: 20,
  /** Samples per second of the direction (MetaDrive's physics rate). */
  sampleHz: 50,
  /** The default car's height (m); the chassis centre sits at half of it. */
  carHeight: 1.2,
} as const;

export type Vec3 = [number, number, number];

export interface CameraPose {
  position: Vec3;
  target: Vec3;
}

export interface ChaseTarget {
  x: number;
  y: number;
  heading: number;
}

/** three.js takes a vertical field of view; Panda3D's (MetaDrive's) 65° is horizontal. */
export function verticalFovDeg(horizontalDeg: number, aspect: number): number {
  if (!(aspect > 0) || !Number.isFinite(aspect)) return horizontalDeg;
  const h = (horizontalDeg * Math.PI) / 180;
  return (2 * Math.atan(Math.tan(h / 2) / aspect) * 180) / Math.PI;
}

/** Mean of the last n unit vectors of heading: a direction that turns with a lag, never jumps. */
export class DirectionSmoother {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private next = 0;
  private count = 0;
  readonly size: number;

  constructor(size: number = CHASE_DEFAULTS.smoothFrames) {
    this.size = size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`smoother size must be ≥ 1, got ${size}`);
    this.xs = new Float64Array(size);
    this.ys = new Float64Array(size);
  }

  get samples(): number {
    return this.count;
  }

  push(heading: number): void {
    this.xs[this.next] = Math.cos(heading);
    this.ys[this.next] = Math.sin(heading);
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** Fills the window with one heading: after a teleport the camera starts behind the car. */
  fill(heading: number): void {
    this.count = 0;
    this.next = 0;
    for (let i = 0; i < this.size; i++) this.push(heading);
  }

  /** The smoothed unit direction; if the mean cancels out (a U-turn in one window), the newest sample. */
  direction(): [number, number] {
    if (this.count === 0) return [1, 0];
    let x = 0;
    let y = 0;
    for (let i = 0; i < this.count; i++) {
      x += this.xs[i];
      y += this.ys[i];
    }
    const length = Math.hypot(x, y);
    if (length < 1e-6 * this.count) {
      const last = (this.next - 1 + this.size) % this.size;
      return [this.xs[last], this.ys[last]];
    }
    return [x / length, y / length];
  }
}

export interface ChaseRigOptions {
  distance?: number;
  height?: number;
  lookAbove?: number;
  carHeight?: number;
  smoothFrames?: number;
  sampleHz?: number;
}

/** Places the camera behind the car, sampling the car's heading on a fixed clock. */
export class ChaseRig {
  private readonly smoother: DirectionSmoother;
  private readonly periodMs: number;
  private readonly distance: number;
  private readonly height: number;
  private readonly lookAbove: number;
  private readonly carHeight: number;
  private lastSampleAt = Number.NaN;

  constructor(options: ChaseRigOptions = {}) {
    this.smoother = new DirectionSmoother(options.smoothFrames ?? CHASE_DEFAULTS.smoothFrames);
    this.periodMs = 1000 / (options.sampleHz ?? CHASE_DEFAULTS.sampleHz);
    this.distance = options.distance ?? CHASE_DEFAULTS.distance;
    this.height = options.height ?? CHASE_DEFAULTS.height;
    this.lookAbove = options.lookAbove ?? CHASE_DEFAULTS.lookAbove;
    this.carHeight = options.carHeight ?? CHASE_DEFAULTS.carHeight;
  }

  /** Forget the past: the next update snaps behind the car (new episode, new scene). */
  reset(): void {
    this.lastSampleAt = Number.NaN;
  }

  /**
   * Advances the sampling clock to now (ms) and returns the pose. Missed samples are replayed with
   * the current heading, at most a window's worth, so a stalled tab catches up in one step.
   */
  update(car: ChaseTarget, now: number): CameraPose {
    if (!Number.isFinite(this.lastSampleAt) || now < this.lastSampleAt) {
      this.smoother.fill(car.heading);
      this.lastSampleAt = now;
    } else {
      const due = Math.floor((now - this.lastSampleAt) / this.periodMs);
      const n = Math.min(due, this.smoother.size);
      for (let i = 0; i < n; i++) this.smoother.push(car.heading);
      this.lastSampleAt += due * this.periodMs;
    }
    return this.pose(car);
  }

  /** The pose for the current smoothed direction. */
  pose(car: ChaseTarget): CameraPose {
    const [dx, dy] = this.smoother.direction();
    const chassisZ = this.carHeight / 2;
    return {
      position: [
        car.x - dx * this.distance,
        car.y - dy * this.distance,
        chassisZ + this.height + this.carHeight / 2,
      ],
      target: [car.x, car.y, chassisZ + this.lookAbove],
    };
  }

  /** Whether the smoothed direction has caught up with heading (the camera has stopped turning). */
  settled(heading: number, toleranceRad = 1e-3): boolean {
    const [dx, dy] = this.smoother.direction();
    const d = Math.atan2(
      dx * Math.sin(heading) - dy * Math.cos(heading),
      dx * Math.cos(heading) + dy * Math.sin(heading),
    );
    return Math.abs(d) <= toleranceRad;
  }
}
