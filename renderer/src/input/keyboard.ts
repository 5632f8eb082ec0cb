// Keyboard takeover: hold Space to drive; ←/→ (or A/D) steer, ↑/↓ (or W/S) throttle and brake.
// While Space is held a timer samples the keys at ~60 Hz and sends each sample; releasing Space
// sends one last sample with engaged = false so the core hands control back. Losing focus counts
// as releasing everything. Keys typed into form fields are left alone.
import type { HumanInput } from '../../../main/contract/api.ts';
import { CENTRED, NO_KEYS, stepAxes, type Axes, type KeyState } from './keyboard-axes.ts';
import type { InputSink, InputSource } from './source.ts';

const KEY_ROLES: Record<string, keyof KeyState | 'takeover'> = {
  Space: 'takeover',
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  KeyA: 'left',
  KeyD: 'right',
  KeyW: 'up',
  KeyS: 'down',
};

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'reset', 'submit', 'image', 'color', 'file']);

/** True where a key press belongs to a form control (typing a name, stepping a number). */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export interface KeyboardTakeoverOptions {
  /** Samples per second while engaged. */
  hz?: number;
  now?: () => number;
  target?: Window;
}

/**
 * What the keyboard takeovers (driving's here, the grid's in grid-keyboard.ts) share: key presses
 * heard in the capture phase, before the app's shortcuts; losing focus or hiding the page counts as
 * letting go of every key; the sink and the listeners told when engagement changes.
 */
export abstract class KeyboardSource implements InputSource {
  readonly id = 'keyboard';
  protected readonly hz: number;
  protected readonly now: () => number;
  protected readonly target: Window;
  protected sink: InputSink | null = null;
  private readonly engagedListeners = new Set<(engaged: boolean) => void>();

  constructor(options: KeyboardTakeoverOptions = {}) {
    this.hz = options.hz ?? 60;
    this.now = options.now ?? (() => performance.now());
    this.target = options.target ?? window;
  }

  abstract engaged(): boolean;
  protected abstract onKey(event: KeyboardEvent, down: boolean): void;
  protected abstract releaseAll(): void;

  onEngagedChange(listener: (engaged: boolean) => void): () => void {
    this.engagedListeners.add(listener);
    return () => this.engagedListeners.delete(listener);
  }

  start(sink: InputSink): () => void {
    this.sink = sink;
    const { target } = this;
    const onKeyDown = (event: KeyboardEvent) => this.onKey(event, true);
    const onKeyUp = (event: KeyboardEvent) => this.onKey(event, false);
    const onBlur = () => this.releaseAll();
    const onVisibility = () => {
      if (target.document.visibilityState === 'hidden') this.releaseAll();
    };
    target.addEventListener('keydown', onKeyDown, true);
    target.addEventListener('keyup', onKeyUp, true);
    target.addEventListener('blur', onBlur);
    target.document.addEventListener('visibilitychange', onVisibility);
    return () => {
      target.removeEventListener('keydown', onKeyDown, true);
      target.removeEventListener('keyup', onKeyUp, true);
      target.removeEventListener('blur', onBlur);
      target.document.removeEventListener('visibilitychange', onVisibility);
      this.releaseAll();
      this.sink = null;
    };
  }

  protected notifyEngaged(engaged: boolean): void {
    for (const listener of this.engagedListeners) listener(engaged);
  }
}

export class KeyboardTakeover extends KeyboardSource {
  private keys: KeyState = { ...NO_KEYS };
  private axes: Axes = { ...CENTRED };
  private held = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastTick = 0;

  engaged(): boolean {
    return this.held;
  }

  protected onKey(event: KeyboardEvent, down: boolean): void {
    const role = KEY_ROLES[event.code];
    if (role === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isEditableTarget(event.target)) return;
    // Keep Space from pressing a focused button and the arrows from scrolling the page.
    event.preventDefault();
    if (down && event.repeat) return;
    if (role === 'takeover') {
      if (down) this.engage();
      else this.release();
      return;
    }
    this.keys = { ...this.keys, [role]: down };
  }

  private engage(): void {
    if (this.held) return;
    this.held = true;
    this.axes = { ...CENTRED };
    this.lastTick = this.now();
    this.emit(true);
    this.timer = setInterval(() => this.tick(), 1000 / this.hz);
    this.notifyEngaged(true);
  }

  private tick(): void {
    const now = this.now();
    this.axes = stepAxes(this.axes, this.keys, now - this.lastTick);
    this.lastTick = now;
    this.emit(true);
  }

  private release(): void {
    if (!this.held) return;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.held = false;
    this.axes = { ...CENTRED };
    this.emit(false);
    this.notifyEngaged(false);
  }

  protected releaseAll(): void {
    this.keys = { ...NO_KEYS };
    this.release();
  }

  private emit(engaged: boolean): void {
    const sample: HumanInput = {
      t: this.now(),
      source: 'keyboard',
      steer: this.axes.steer,
      throttle: this.axes.throttle,
      discrete: null,
      engaged,
    };
    this.sink?.(sample);
  }
}
