// The session's learning curves, built live from what the UI already receives: each finished
// training episode (success, at the expert-involved step count of the latest frame), evaluations
// when the core sends them, and the takeover rate — the share of expert-involved decisions over a
// sliding window — sampled from frames. Kept outside React; views redraw when version changes. Pure.
import type { Frame } from '../../../main/contract/frame.ts';

export interface EpisodePoint {
  episode: number;
  /** Expert-involved steps so far when the episode ended. */
  expertSteps: number;
  step: number;
  success: boolean;
  /** Success rate of the last ROLLING_EPISODES episodes, this one included. */
  rolling: number;
}

export interface EvaluationPoint {
  expertSteps: number;
  step: number;
  successRate: number;
}

export interface RatePoint {
  step: number;
  /** Expert-involved decisions / decisions over the last RATE_WINDOW_STEPS. */
  rate: number;
}

export const ROLLING_EPISODES = 10;
export const RATE_WINDOW_STEPS = 200;
export const RATE_SAMPLE_EVERY = 10;
/** Curves longer than this are thinned by dropping every other point (the shape stays). */
export const MAX_POINTS = 2000;

interface CounterSample {
  step: number;
  expertSteps: number;
}

export class MetricsStore {
  readonly episodes: EpisodePoint[] = [];
  readonly evaluations: EvaluationPoint[] = [];
  readonly takeoverRate: RatePoint[] = [];
  /** Increments on every change. */
  version = 0;
  private counters: CounterSample[] = [];
  private lastSampledStep = Number.NEGATIVE_INFINITY;
  private latest: CounterSample | null = null;

  /** A new session: forget every curve. */
  clear(): void {
    this.episodes.length = 0;
    this.evaluations.length = 0;
    this.takeoverRate.length = 0;
    this.counters = [];
    this.lastSampledStep = Number.NEGATIVE_INFINITY;
    this.latest = null;
    this.version++;
  }

  onFrame(frame: Pick<Frame, 'step' | 'expertSteps'>): void {
    if (this.latest !== null && frame.step < this.latest.step) this.clear();
    this.latest = { step: frame.step, expertSteps: frame.expertSteps };
    if (frame.step - this.lastSampledStep < RATE_SAMPLE_EVERY) return;
    this.lastSampledStep = frame.step;
    this.counters.push(this.latest);
    // Keep samples back to the start of the window (and one before it, to measure across).
    const from = frame.step - RATE_WINDOW_STEPS;
    let drop = 0;
    while (drop + 1 < this.counters.length && this.counters[drop + 1].step <= from) drop++;
    if (drop > 0) this.counters.splice(0, drop);
    const first = this.counters[0];
    const steps = frame.step - first.step;
    if (steps <= 0) return;
    push(this.takeoverRate, { step: frame.step, rate: (frame.expertSteps - first.expertSteps) / steps });
    this.version++;
  }

  onEpisode(episode: number, success: boolean): void {
    const at = this.latest ?? { step: 0, expertSteps: 0 };
    const recent = this.episodes.slice(-(ROLLING_EPISODES - 1));
    const wins = recent.filter((e) => e.success).length + (success ? 1 : 0);
    push(this.episodes, {
      episode,
      expertSteps: at.expertSteps,
      step: at.step,
      success,
      rolling: wins / (recent.length + 1),
    });
    this.version++;
  }

  onEvaluation(point: EvaluationPoint): void {
    push(this.evaluations, point);
    this.version++;
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_POINTS) {
    let w = 0;
    for (let r = 0; r < list.length; r += 2) list[w++] = list[r];
    // Keep the newest point.
    if (list[w - 1] !== item) list[w++] = item;
    list.length = w;
  }
}

/**
 * Success against expert-involved steps as aligned columns (uPlot's layout): the union of the
 * episodes' and the evaluations' x values, null where a series has no point there.
 */
export function successColumns(m: MetricsStore): {
  x: number[];
  rolling: (number | null)[];
  evaluation: (number | null)[];
} {
  const rows: Array<{ x: number; rolling: number | null; evaluation: number | null }> = [
    ...m.episodes.map((e) => ({ x: e.expertSteps, rolling: e.rolling, evaluation: null })),
    ...m.evaluations.map((e) => ({ x: e.expertSteps, rolling: null, evaluation: e.successRate })),
  ];
  // Stable sort: at equal x, episodes before evaluations, each in arrival order.
  rows.sort((a, b) => a.x - b.x);
  return {
    x: rows.map((r) => r.x),
    rolling: rows.map((r) => r.rolling),
    evaluation: rows.map((r) => r.evaluation),
  };
}
