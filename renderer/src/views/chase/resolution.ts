// Dynamic resolution for the chase camera. Without a GPU (SwiftShader, llvmpipe) WebGL is fill-bound:
// frame time grows with the pixels drawn, and a full-size 3-D pane drags the whole page below 10
// fps. So the pane renders at a scale of its CSS size that follows the frame rate: down in steps
// while frames come slower than `low` fps, back up while they come faster than `high`, with a pause
// between changes so it does not oscillate. On a real GPU it simply stays at full scale. Pure.

export interface ResolutionOptions {
  /** Scale never goes below this (of CSS pixels × device pixel ratio). */
  min?: number;
  max?: number;
  /** Below this many frames per second, scale down. */
  low?: number;
  /** Above this, scale back up. */
  high?: number;
  /** Frames averaged before deciding. */
  window?: number;
  /** Milliseconds between two changes. */
  holdMs?: number;
}

export class DynamicResolution {
  scale: number;
  private readonly min: number;
  private readonly max: number;
  private readonly lowMs: number;
  private readonly highMs: number;
  private readonly window: number;
  private readonly holdMs: number;
  private readonly intervals: number[] = [];
  private lastFrame = Number.NaN;
  private lastChange = Number.NEGATIVE_INFINITY;

  constructor(options: ResolutionOptions = {}) {
    this.min = options.min ?? 0.5;
    this.max = options.max ?? 1;
    this.lowMs = 1000 / (options.low ?? 40);
    this.highMs = 1000 / (options.high ?? 55);
    this.window = options.window ?? 30;
    this.holdMs = options.holdMs ?? 1500;
    this.scale = this.max;
  }

  /** Feeds one animation frame's time; returns true when the scale changed. */
  frame(now: number): boolean {
    const interval = now - this.lastFrame;
    this.lastFrame = now;
    // A long gap is a hidden tab or a stall, not the renderer's speed.
    if (!(interval > 0) || interval > 1000) {
      this.intervals.length = 0;
      return false;
    }
    this.intervals.push(interval);
    if (this.intervals.length > this.window) this.intervals.shift();
    if (this.intervals.length < this.window || now - this.lastChange < this.holdMs) return false;
    const mean = this.intervals.reduce((a, b) => a + b, 0) / this.intervals.length;
    let next = this.scale;
    if (mean > this.lowMs) next = Math.max(this.min, this.scale * 0.75);
    else if (mean < this.highMs) next = Math.min(this.max, this.scale * 1.2);
    if (Math.abs(next - this.scale) < 1e-3) return false;
    this.scale = next;
    this.lastChange = now;
    this.intervals.length = 0;
    return true;
  }
}
