// Keyboard takeover for the grid: ←/→ turn, ↑ forward, T toggles a door, Space approves the agent's
// proposed action. While one of these keys is held the person drives: a timer resends the sample at
// ~60 Hz (so the core sees fresh input) with the chosen action, or with none for Space, which the
// core reads as "apply the novice's proposal". A tap lasts at least one decision (MIN_HOLD_MS) so a
// quick press is not lost between two 10 Hz decisions. Releasing every key hands control back.
import type { HumanInput } from '../../../main/contract/api.ts';
import { GRID_ACTION_NAMES } from '../../../main/contract/scene.ts';
import { isEditableTarget, KeyboardSource } from './keyboard.ts';

/** The action each key chooses, as its index; null (Space) approves the agent's proposal. */
export const GRID_KEY_ACTIONS: Readonly<Record<string, number | null>> = {
  ArrowLeft: GRID_ACTION_NAMES.indexOf('left'),
  ArrowRight: GRID_ACTION_NAMES.indexOf('right'),
  ArrowUp: GRID_ACTION_NAMES.indexOf('forward'),
  KeyT: GRID_ACTION_NAMES.indexOf('toggle'),
  Space: null,
};

/** Long enough to span one decision at 10 Hz. */
export const MIN_HOLD_MS = 150;

export class GridKeyboardTakeover extends KeyboardSource {
  /** Keys held, most recent last: the latest pressed one chooses the action. */
  private held: string[] = [];
  private action: number | null = null;
  private engagedSince = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  engaged(): boolean {
    return this.timer !== null;
  }

  protected onKey(event: KeyboardEvent, down: boolean): void {
    if (!(event.code in GRID_KEY_ACTIONS) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isEditableTarget(event.target)) return;
    // Keep Space from pressing a focused button, the arrows from scrolling, T from switching the theme.
    event.preventDefault();
    if (down && event.repeat) return;
    this.held = this.held.filter((code) => code !== event.code);
    if (down) this.held.push(event.code);
    if (this.held.length > 0) {
      this.action = GRID_KEY_ACTIONS[this.held[this.held.length - 1]];
      this.engage();
    }
  }

  private engage(): void {
    this.emit(true);
    if (this.timer !== null) return;
    this.engagedSince = this.now();
    this.timer = setInterval(() => this.tick(), 1000 / this.hz);
    this.notifyEngaged(true);
  }

  private tick(): void {
    if (this.held.length === 0 && this.now() - this.engagedSince >= MIN_HOLD_MS) this.release();
    else this.emit(true);
  }

  private release(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.action = null;
    this.emit(false);
    this.notifyEngaged(false);
  }

  protected releaseAll(): void {
    this.held = [];
    this.release();
  }

  private emit(engaged: boolean): void {
    const sample: HumanInput = {
      t: this.now(),
      source: 'keyboard',
      steer: 0,
      throttle: 0,
      discrete: this.action,
      engaged,
    };
    this.sink?.(sample);
  }
}
