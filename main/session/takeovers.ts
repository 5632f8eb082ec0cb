// Bookkeeping of takeover spans: opens a span when the expert or a person starts driving, closes it
// with the reason control came back, and hands finished spans to the recorder.
import type { HandbackReason, TakeoverTrigger } from '../contract/modes.ts';
import type { TakeoverRecord } from '../store/records.ts';

interface OpenTakeover {
  episode: number;
  startStep: number;
  trigger: TakeoverTrigger;
  requestStep: number | null;
  qAtRequest: number | null;
  thresholdAtRequest: number | null;
  region: string;
  /** Milliseconds from the help request to the person's first acting input (people only). */
  reactionMs?: number | null;
  /** Clock time the span began, for its duration. */
  startedAtMs?: number;
}

export class TakeoverLog {
  private open: OpenTakeover | null = null;
  private lastExpertStep = -1;
  /** Finished takeovers other than warm-up. */
  count = 0;

  private readonly finished: (record: TakeoverRecord) => void;

  constructor(finished: (record: TakeoverRecord) => void) {
    this.finished = finished;
  }

  get active(): TakeoverTrigger | null {
    return this.open?.trigger ?? null;
  }

  begin(span: OpenTakeover): void {
    if (this.open) this.end('release');
    this.open = span;
  }

  /** Marks `step` as driven by the expert or person within the open span. */
  expertStep(step: number): void {
    this.lastExpertStep = step;
  }

  /** Closes the open span; `atMs` (same clock as startedAtMs) gives it a duration. */
  end(handback: HandbackReason, atMs?: number): void {
    const span = this.open;
    if (!span) return;
    this.open = null;
    if (span.trigger !== 'warmup') this.count++;
    const { startedAtMs, ...rest } = span;
    this.finished({
      ...rest,
      endStep: Math.max(span.startStep, this.lastExpertStep),
      handback,
      reactionMs: span.reactionMs ?? null,
      durationMs: startedAtMs !== undefined && atMs !== undefined ? atMs - startedAtMs : null,
    });
  }
}
