// Force feedback for a racing wheel on Linux, over the kernel's evdev interface (the add-on in src/).
// openForceFeedback() finds the wheel's event device, opens it and reports a status the UI can show;
// it never throws, and importing this file never loads the add-on: the add-on is required lazily on
// first use, so machines without it (another OS, no compiler at install time) run everything else.
//
// What it does with a wheel: global gain; autocentre rising with speed as MetaDrive
// (control.ts: autocentreStrength); a constant force that turns the wheel toward a target position
// while the robot drives (setTarget: a P-controller on the wheel's own ABS_X, read here, not from the
// renderer); a short pulse on a help request; and on close the kernel erases this process's effects.
//
// Nothing here has been tried on a real wheel: the directions (which way + force turns the wheel,
// which way ABS_X grows) follow linux/input.h and the drivers' documented conventions and can be
// flipped with invertForce / invertWheel.
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { loadAddon, type AddonLoad } from '../load-addon.ts';
import {
  ABS_X,
  DEFAULT_FOLLOW_GAINS,
  DIRECTION_LEFT,
  DIRECTION_RIGHT,
  FF_MAX_LEVEL,
  autocentreStrength,
  constantEffect,
  followForce,
  gainValue,
  reasonForErrno,
  wheelPosition,
  type AbsInfo,
  type FfReason,
  type FollowGains,
} from './control.ts';

export * from './control.ts';

/** What the compiled add-on exports (src/evdev_ff.cc). Errors carry code ('EACCES', …) and errno. */
export interface EvdevBinding {
  open(path: string): number;
  close(fd: number): void;
  probe(fd: number): ProbeInfo;
  absInfo(fd: number, code: number): AbsInfo & { fuzz: number; flat: number; resolution: number };
  setGain(fd: number, value: number): void;
  setAutocenter(fd: number, value: number): void;
  uploadConstant(
    fd: number,
    id: number,
    level: number,
    direction: number,
    lengthMs: number,
    delayMs?: number,
  ): number;
  uploadRumble(fd: number, id: number, strong: number, weak: number, lengthMs: number): number;
  play(fd: number, id: number, count?: number): void;
  stop(fd: number, id: number): void;
  erase(fd: number, id: number): void;
}

export interface FfEffects {
  constant: boolean;
  periodic: boolean;
  rumble: boolean;
  spring: boolean;
  damper: boolean;
  friction: boolean;
  ramp: boolean;
  gain: boolean;
  autocenter: boolean;
}

export interface ProbeInfo {
  name: string;
  vendor?: number;
  product?: number;
  bustype?: number;
  version?: number;
  /** The device takes EV_FF events at all. */
  ff: boolean;
  abs: boolean;
  maxEffects: number;
  effects: FfEffects;
}

export interface FfDevice {
  path: string;
  name: string;
  vendor: number | null;
  product: number | null;
  maxEffects: number;
  effects: FfEffects;
}

/** What the UI shows: whether force feedback is on, and if not, why, in a sentence. */
export interface FfStatus {
  active: boolean;
  reason: FfReason;
  detail: string;
  device: FfDevice | null;
}

// ---------------------------------------------------------------------------------------------------
// Loading the add-on

export type BindingLoad = AddonLoad<EvdevBinding>;

/** Every function the add-on exports. */
export const BINDING_FUNCTIONS: readonly (keyof EvdevBinding)[] = [
  'open',
  'close',
  'probe',
  'absInfo',
  'setGain',
  'setAutocenter',
  'uploadConstant',
  'uploadRumble',
  'play',
  'stop',
  'erase',
];

let loaded: BindingLoad | undefined;

/**
 * Where the add-on may be: the optional dependency `aim-evdev-ff` (node_modules, which also resolves
 * from Electron's bundled main in dist/electron/), else the build beside this file, else that build
 * seen from dist/electron/ (a checkout built by hand, not linked into node_modules by npm install).
 */
const CANDIDATES = [
  'aim-evdev-ff',
  './build/Release/evdev_ff.node',
  '../../native/evdev-ff/build/Release/evdev_ff.node',
];

/** Loads the add-on once, from the first of CANDIDATES that loads. */
export function loadBinding(): BindingLoad {
  loaded ??= loadAddon<EvdevBinding>(import.meta.url, CANDIDATES, BINDING_FUNCTIONS, 'evdev-ff');
  return loaded;
}

// ---------------------------------------------------------------------------------------------------
// Finding the wheel

/** Vendors whose FF devices are wheels here: Logitech, Thrustmaster. */
const WHEEL_VENDORS = new Set([0x046d, 0x044f]);
const WHEEL_NAME =
  /\b(G2[579]|G92[03]|G PRO|Driving[ _]Force|Racing[ _]Wheel|Thrustmaster|T300|T248|T150|TMX)\b|wheel/i;

export interface Candidate {
  /** The event node (by-id links resolved). */
  path: string;
  /** A name for messages: the by-id link or the kernel's device name, when readable. */
  label: string | null;
  /** The name or ids say it is a wheel. */
  wheelHint: boolean;
  /** sysfs says the device has force feedback (null: sysfs not readable). */
  ffHint: boolean | null;
}

export interface DiscoveryOptions {
  /** Default /dev/input. */
  devDir?: string;
  /** Default <devDir>/by-id. */
  byIdDir?: string;
  /** Default /sys/class/input. */
  sysDir?: string;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function eventNumber(file: string): number {
  const match = /event(\d+)$/.exec(file);
  return match === null ? Number.MAX_SAFE_INTEGER : Number(match[1]);
}

/** The event devices worth probing, wheels (by name or id) first. Reads names; opens nothing. */
export function listCandidates(options: DiscoveryOptions = {}): Candidate[] {
  const devDir = options.devDir ?? '/dev/input';
  const byIdDir = options.byIdDir ?? path.join(devDir, 'by-id');
  const sysDir = options.sysDir ?? '/sys/class/input';
  const found = new Map<string, Candidate>();

  for (const link of listDir(byIdDir)
    .filter((name) => /-event-/.test(name))
    .sort()) {
    let target: string;
    try {
      target = realpathSync(path.join(byIdDir, link));
    } catch {
      continue;
    }
    found.set(target, { path: target, label: link, wheelHint: WHEEL_NAME.test(link), ffHint: null });
  }
  const events = listDir(devDir)
    .filter((name) => /^event\d+$/.test(name))
    .sort((a, b) => eventNumber(a) - eventNumber(b));
  for (const name of events) {
    const full = path.join(devDir, name);
    let real = full;
    try {
      real = realpathSync(full);
    } catch {
      // A dangling entry: probing will say so.
    }
    if (!found.has(real)) found.set(real, { path: real, label: null, wheelHint: false, ffHint: null });
  }

  for (const candidate of found.values()) {
    const base = path.join(sysDir, path.basename(candidate.path), 'device');
    const sysName = readText(path.join(base, 'name'));
    const vendor = readText(path.join(base, 'id', 'vendor'));
    const ff = readText(path.join(base, 'capabilities', 'ff'));
    if (sysName !== null) {
      candidate.label ??= sysName;
      if (WHEEL_NAME.test(sysName)) candidate.wheelHint = true;
    }
    if (vendor !== null && WHEEL_VENDORS.has(parseInt(vendor, 16)) && ff !== null && /[1-9a-f]/i.test(ff)) {
      candidate.wheelHint = true;
    }
    if (ff !== null) candidate.ffHint = /[1-9a-f]/i.test(ff);
  }
  return [...found.values()].sort((a, b) => Number(b.wheelHint) - Number(a.wheelHint));
}

// ---------------------------------------------------------------------------------------------------
// Opening it

export interface TimerFunctions {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

const REAL_TIMERS: TimerFunctions = {
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  now: () => performance.now(),
};

export interface ForceFeedbackOptions extends DiscoveryOptions {
  /** Default process.platform. */
  platform?: string;
  /** The add-on; default: loaded lazily. null behaves as if it were not built. */
  binding?: EvdevBinding | null;
  /** Use this event device instead of searching. */
  path?: string;
  /** Global force-feedback gain, 0..1 (default 1). */
  gain?: number;
  /** P-controller gains for setTarget (control.ts). */
  follow?: Partial<FollowGains>;
  /** ABS_X grows to the right on the supported drivers, so the position is inverted for +left (default true). */
  invertWheel?: boolean;
  /** Flip which way a positive force turns the wheel (default false: linux/input.h's 0x4000 = left). */
  invertForce?: boolean;
  /** How often the follow loop runs while a target is set (default 100 Hz). */
  controlHz?: number;
  /** A target not refreshed within this long lets go of the wheel (default 500 ms). */
  targetTimeoutMs?: number;
  timers?: TimerFunctions;
}

interface Fault {
  code?: string;
  message?: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as Fault | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const PERMISSION_HINT =
  'give your user access to the wheel (a udev rule with TAG+="uaccess", or the input group) and reconnect it';

function makeStatus(reason: FfReason, detail: string, device: FfDevice | null = null): FfStatus {
  return { active: reason === 'ok', reason, detail, device };
}

interface Opened {
  fd: number;
  device: FfDevice;
}

interface Rejected {
  candidate: Candidate;
  reason: FfReason;
  detail: string;
}

function describe(candidate: Candidate): string {
  return candidate.label !== null ? `${candidate.label} (${candidate.path})` : candidate.path;
}

/** Opens one candidate: the device if it can play a constant force, else why not. */
function tryOpen(binding: EvdevBinding, candidate: Candidate): Opened | Rejected {
  let fd: number;
  try {
    fd = binding.open(candidate.path);
  } catch (error) {
    const reason = reasonForErrno(codeOf(error));
    const why =
      reason === 'no-permission'
        ? `cannot open ${describe(candidate)}: permission denied; ${PERMISSION_HINT}`
        : reason === 'no-device'
          ? `${describe(candidate)} does not exist (${codeOf(error)})`
          : `cannot open ${describe(candidate)}: ${firstLine(messageOf(error))}`;
    // An open that fails with ENOTTY/EINVAL is odd, not a device without force feedback.
    return { candidate, reason: reason === 'no-ff' ? 'error' : reason, detail: why };
  }
  let info: ProbeInfo;
  try {
    info = binding.probe(fd);
  } catch (error) {
    safeClose(binding, fd);
    const reason = reasonForErrno(codeOf(error));
    const detail =
      reason === 'no-ff'
        ? `${describe(candidate)} is not an evdev input device (${codeOf(error)}), so it has no force feedback`
        : `cannot query ${describe(candidate)}: ${firstLine(messageOf(error))}`;
    return { candidate, reason, detail };
  }
  const label = info.name !== '' ? `${info.name} (${candidate.path})` : describe(candidate);
  const looksLikeWheel =
    candidate.wheelHint ||
    WHEEL_NAME.test(info.name) ||
    (info.vendor !== undefined && WHEEL_VENDORS.has(info.vendor) && info.ff);
  candidate.wheelHint = looksLikeWheel;
  if (!info.ff || !info.effects.constant) {
    safeClose(binding, fd);
    const has = info.ff
      ? `only ${Object.entries(info.effects)
          .filter(([, on]) => on)
          .map(([name]) => name)
          .join(', ')} (no constant force)`
      : 'no force feedback';
    return { candidate, reason: 'no-ff', detail: `${label} has ${has}` };
  }
  return {
    fd,
    device: {
      path: candidate.path,
      name: info.name,
      vendor: info.vendor ?? null,
      product: info.product ?? null,
      maxEffects: info.maxEffects,
      effects: info.effects,
    },
  };
}

function safeClose(binding: EvdevBinding, fd: number): void {
  try {
    binding.close(fd);
  } catch {
    // Already gone.
  }
}

/** Searches and opens the wheel, or says why there is none. Never throws. */
export function findWheel(
  binding: EvdevBinding,
  options: DiscoveryOptions & { path?: string } = {},
): { opened: Opened; status: FfStatus } | { opened: null; status: FfStatus } {
  if (options.path !== undefined) {
    const result = tryOpen(binding, { path: options.path, label: null, wheelHint: true, ffHint: null });
    if ('fd' in result) return { opened: result, status: okStatus(result.device) };
    return { opened: null, status: makeStatus(result.reason, result.detail) };
  }
  const candidates = listCandidates(options);
  const rejected: Rejected[] = [];
  for (const candidate of candidates) {
    const result = tryOpen(binding, candidate);
    if ('fd' in result) return { opened: result, status: okStatus(result.device) };
    rejected.push(result);
  }
  // Why there is none. Input nodes other than the wheel are often unreadable to a normal user
  // (keyboards), so a permission failure counts only for a device that looks like a wheel or that
  // sysfs says has force feedback.
  const relevant = (r: Rejected) => r.candidate.wheelHint || r.candidate.ffHint === true;
  const denied = rejected.filter((r) => r.reason === 'no-permission');
  const deniedRelevant = denied.filter(relevant);
  if (deniedRelevant.length > 0)
    return { opened: null, status: makeStatus('no-permission', deniedRelevant[0].detail) };
  const wheelWithoutFf = rejected.find((r) => r.reason === 'no-ff' && r.candidate.wheelHint);
  if (wheelWithoutFf !== undefined)
    return { opened: null, status: makeStatus('no-ff', wheelWithoutFf.detail) };
  const failed = rejected.find((r) => r.reason === 'error' && relevant(r));
  if (failed !== undefined) return { opened: null, status: makeStatus('error', failed.detail) };
  let detail =
    candidates.length === 0
      ? `no force-feedback device: no input event devices in ${options.devDir ?? '/dev/input'}`
      : `no force-feedback device among ${candidates.length} input event device${candidates.length === 1 ? '' : 's'}`;
  if (denied.length > 0) {
    detail += `; ${denied.length} could not be opened (permission denied) — if the wheel is one of them, ${PERMISSION_HINT}`;
  }
  return { opened: null, status: makeStatus('no-device', detail) };
}

function okStatus(device: FfDevice): FfStatus {
  const missing = [
    device.effects.gain ? null : 'gain',
    device.effects.autocenter ? null : 'autocentre',
  ].filter((x) => x !== null);
  const detail =
    `force feedback on ${device.name || 'the wheel'} (${device.path})` +
    (missing.length > 0 ? `; the driver has no ${missing.join(' or ')}` : '');
  return makeStatus('ok', detail, device);
}

/** Opens force feedback on the wheel, or returns an inactive handle whose status says why not. */
export function openForceFeedback(options: ForceFeedbackOptions = {}): ForceFeedback {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') {
    return new ForceFeedback(
      null,
      null,
      makeStatus('not-linux', `force feedback needs Linux evdev; this is ${platform}`),
      options,
    );
  }
  let binding: EvdevBinding | null;
  if (options.binding !== undefined) {
    binding = options.binding;
  } else {
    const load = loadBinding();
    binding = load.binding;
    if (binding === null) {
      return new ForceFeedback(
        null,
        null,
        makeStatus(
          'no-addon',
          `the force-feedback add-on is not built (npm install builds it where a C++ compiler exists): ${load.error}`,
        ),
        options,
      );
    }
  }
  if (binding === null) {
    return new ForceFeedback(
      null,
      null,
      makeStatus('no-addon', 'the force-feedback add-on is not available'),
      options,
    );
  }
  const found = findWheel(binding, options);
  return new ForceFeedback(binding, found.opened, found.status, options);
}

// ---------------------------------------------------------------------------------------------------
// Driving it

export class ForceFeedback {
  private binding: EvdevBinding | null;
  private fd: number | null;
  private current: FfStatus;
  private readonly gains: FollowGains;
  private readonly invertWheel: boolean;
  private readonly invertForce: boolean;
  private readonly controlHz: number;
  private readonly targetTimeoutMs: number;
  private readonly timers: TimerFunctions;
  private constantId: number | null = null;
  private playing = false;
  private lastEffect: { level: number; direction: number } | null = null;
  private pulseIds: number[] = [];
  private target: number | null = null;
  private targetAt = 0;
  private loop: unknown = null;
  private lastForce = 0;

  constructor(
    binding: EvdevBinding | null,
    opened: Opened | null,
    initial: FfStatus,
    options: ForceFeedbackOptions,
  ) {
    this.binding = opened !== null ? binding : null;
    this.fd = opened?.fd ?? null;
    this.current = initial;
    this.gains = { ...DEFAULT_FOLLOW_GAINS, ...options.follow };
    this.invertWheel = options.invertWheel ?? true;
    this.invertForce = options.invertForce ?? false;
    this.controlHz = Math.min(1000, Math.max(1, options.controlHz ?? 100));
    this.targetTimeoutMs = options.targetTimeoutMs ?? 500;
    this.timers = options.timers ?? REAL_TIMERS;
    if (this.fd !== null && opened !== null && opened.device.effects.gain) {
      this.guard(() => this.binding!.setGain(this.fd!, gainValue(options.gain ?? 1)));
    }
  }

  status(): FfStatus {
    return this.current;
  }

  get active(): boolean {
    return this.current.active && this.fd !== null;
  }

  /** The force last applied by the follow controller (+ = left), for display and tests. */
  get force(): number {
    return this.lastForce;
  }

  /** Global gain, 0..1. */
  setGain(fraction: number): void {
    if (!this.active || !this.current.device?.effects.gain) return;
    this.guard(() => this.binding!.setGain(this.fd!, gainValue(fraction)));
  }

  /** Autocentre for the car's speed (MetaDrive's formula). Returns the strength written, or null. */
  setSpeed(speedKmh: number): number | null {
    const strength = autocentreStrength(speedKmh);
    return this.setAutocentre(strength) ? strength : null;
  }

  /** Autocentre strength 0..65535; false when the device cannot (or is not open). */
  setAutocentre(strength: number): boolean {
    if (!this.active || !this.current.device?.effects.autocenter) return false;
    return this.guard(() =>
      this.binding!.setAutocenter(this.fd!, Math.round(Math.min(0xffff, Math.max(0, strength)))),
    );
  }

  /** The wheel's position in [−1, 1] (+ = left), read from its ABS_X, or null. */
  readWheel(): number | null {
    if (!this.active) return null;
    let position: number | null = null;
    this.guard(() => {
      position = wheelPosition(this.binding!.absInfo(this.fd!, ABS_X), this.invertWheel);
    });
    return position;
  }

  /**
   * Where the wheel should be (in [−1, 1], + = left; control.ts wheelTargetForSteer turns a steering
   * command into one). Starts the follow loop; call again at least every targetTimeoutMs, or the
   * force lets go. null lets go at once (the person has taken over).
   */
  setTarget(target: number | null): void {
    if (target === null || !Number.isFinite(target)) {
      this.release();
      return;
    }
    if (!this.active) return;
    this.target = target;
    this.targetAt = this.timers.now();
    if (this.loop === null) {
      this.loop = this.timers.setInterval(() => this.tick(), 1000 / this.controlHz);
      this.step(target);
    }
  }

  private tick(): void {
    if (this.target === null) return;
    if (this.timers.now() - this.targetAt > this.targetTimeoutMs) {
      this.release();
      return;
    }
    this.step(this.target);
  }

  /** One control step toward target: reads the wheel, applies the P-controller's force. */
  step(target: number): number {
    const wheel = this.readWheel();
    if (wheel === null) return 0;
    return this.applyForce(followForce(target, wheel, this.gains));
  }

  /** Plays a constant force (+ = left, fraction of full torque); 0 keeps the effect at zero. */
  applyForce(force: number): number {
    if (!this.active) return 0;
    const effect = constantEffect(force, this.invertForce);
    const ok = this.guard(() => {
      const b = this.binding!;
      const fd = this.fd!;
      if (this.constantId === null) {
        this.constantId = b.uploadConstant(fd, -1, effect.level, effect.direction, 0);
        this.lastEffect = effect;
      } else if (this.lastEffect?.level !== effect.level || this.lastEffect.direction !== effect.direction) {
        b.uploadConstant(fd, this.constantId, effect.level, effect.direction, 0);
        this.lastEffect = effect;
      }
      if (!this.playing) {
        b.play(fd, this.constantId, 1);
        this.playing = true;
      }
    });
    this.lastForce = ok ? Math.max(-1, Math.min(1, force)) : 0;
    return this.lastForce;
  }

  /** Stops the constant force and the follow loop: the wheel is the person's. */
  release(): void {
    this.target = null;
    if (this.loop !== null) {
      this.timers.clearInterval(this.loop);
      this.loop = null;
    }
    this.lastForce = 0;
    if (this.active && this.playing && this.constantId !== null) {
      const id = this.constantId;
      this.guard(() => this.binding!.stop(this.fd!, id));
    }
    this.playing = false;
  }

  /**
   * A short pulse to say "help requested": a rumble where the driver has one, else a left–right
   * tap of constant force (net zero travel). Best effort: a device out of effect slots skips it.
   */
  pulse(durationMs = 160, strength = 0.6): boolean {
    if (!this.active) return false;
    const b = this.binding!;
    const fd = this.fd!;
    const effects = this.current.device!.effects;
    const ms = Math.round(Math.min(2000, Math.max(20, durationMs)));
    const s = Math.min(1, Math.max(0, strength));
    try {
      for (const id of this.pulseIds) b.erase(fd, id);
      this.pulseIds = [];
      if (effects.rumble) {
        const id = b.uploadRumble(fd, -1, Math.round(s * 0xffff), Math.round(s * 0xffff), ms);
        this.pulseIds.push(id);
        b.play(fd, id, 1);
        return true;
      }
      const half = Math.max(10, Math.round(ms / 2));
      const level = Math.round(s * FF_MAX_LEVEL);
      const first = this.invertForce ? DIRECTION_RIGHT : DIRECTION_LEFT;
      const second = first === DIRECTION_LEFT ? DIRECTION_RIGHT : DIRECTION_LEFT;
      const a = b.uploadConstant(fd, -1, level, first, half, 0);
      this.pulseIds.push(a);
      b.play(fd, a, 1);
      const c = b.uploadConstant(fd, -1, level, second, half, half);
      this.pulseIds.push(c);
      b.play(fd, c, 1);
      return true;
    } catch (error) {
      // No free effect slot is not a fault of the device.
      if (codeOf(error) === 'ENOSPC') return this.pulseIds.length > 0;
      this.fault(error);
      return false;
    }
  }

  /** Lets go, leaves the standstill autocentre on, and closes the device (the kernel erases our effects). */
  close(): void {
    if (this.fd === null) return;
    this.release();
    this.setSpeed(0);
    if (this.fd !== null && this.binding !== null) safeClose(this.binding, this.fd);
    this.fd = null;
    this.constantId = null;
    this.pulseIds = [];
    this.current = { ...this.current, active: false, detail: 'force feedback closed' };
  }

  /** Runs one device call; a failure marks the device lost and returns false. */
  private guard(action: () => void): boolean {
    if (this.fd === null || this.binding === null) return false;
    try {
      action();
      return true;
    } catch (error) {
      this.fault(error);
      return false;
    }
  }

  private fault(error: unknown): void {
    const code = codeOf(error);
    const reason = reasonForErrno(code);
    const name = this.current.device?.name || 'the wheel';
    const detail =
      reason === 'no-device'
        ? `${name} was disconnected (${code})`
        : reason === 'no-permission'
          ? `${name}: permission denied; ${PERMISSION_HINT}`
          : `${name}: ${firstLine(messageOf(error))}`;
    const device = this.current.device;
    if (this.loop !== null) this.timers.clearInterval(this.loop);
    this.loop = null;
    this.target = null;
    this.playing = false;
    if (this.fd !== null && this.binding !== null) safeClose(this.binding, this.fd);
    this.fd = null;
    this.current = makeStatus(reason === 'no-ff' || reason === 'ok' ? 'error' : reason, detail, device);
  }
}
