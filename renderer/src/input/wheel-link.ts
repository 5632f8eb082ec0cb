// Connects the Gamepad API sampler (sampler.ts) to the core: every sample goes to the core as a
// human-input sample carrying the raw reading (the core decides who drives and records the raw
// samples around takeovers); connects and disconnects are reported as device events; a device's
// saved calibration (for this operator) is fetched from the core and applied when it appears, so a
// reconnected wheel reads as it was calibrated. The UI reads the device's state from here.
import type { CoreClient, HumanInput } from '../../../main/contract/api.ts';
import type { CalibrationRecord } from '../../../main/contract/devices.ts';
import { combinedThrottle, pendingMessage } from './mapping.ts';
import { platformFromUserAgent, type ProfileMatch } from './profiles.ts';
import { GamepadSampler, type GetGamepads, type InputSample } from './sampler.ts';

export interface DeviceState {
  /** Gamepad.id. */
  id: string;
  deviceKey: string;
  profile: string;
  label: string;
  known: boolean;
  /** The profile's note (unknown device, missing controls), or null. */
  note: string | null;
  /** "Press each pedal once…" while a pedal has not moved since the device appeared. */
  pending: string | null;
  calibrated: boolean;
}

const MAX_AXES = 32;
const MAX_BUTTONS = 64;

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** The contract's input sample for one poll of the device. */
export function toHumanInput(sample: InputSample, profile: string): HumanInput {
  return {
    t: sample.t,
    source: 'gamepad',
    steer: sample.steer,
    throttle: combinedThrottle(sample),
    discrete: null,
    engaged: sample.paddle,
    raw: {
      device: sample.device.slice(0, 200),
      deviceKey: sample.deviceKey.slice(0, 200),
      profile,
      axes: sample.axes.slice(0, MAX_AXES),
      buttons: sample.buttons.slice(0, MAX_BUTTONS).map(clamp01),
      throttle: clamp01(sample.throttle),
      brake: clamp01(sample.brake),
      paddle: sample.paddle,
    },
  };
}

export interface WheelLinkOptions {
  client: CoreClient;
  getGamepads: GetGamepads;
  operator: () => string;
  userAgent?: string;
  hz?: number;
}

export class WheelLink {
  readonly sampler: GamepadSampler;
  private readonly client: CoreClient;
  private readonly operator: () => string;
  private readonly saved = new Map<string, CalibrationRecord>();
  private state: DeviceState | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly sampleListeners = new Set<(sample: InputSample) => void>();
  /** Samples sent to the core since start. */
  sent = 0;

  constructor(options: WheelLinkOptions) {
    this.client = options.client;
    this.operator = options.operator;
    this.sampler = new GamepadSampler({
      getGamepads: options.getGamepads,
      hz: options.hz,
      platform: platformFromUserAgent(options.userAgent ?? ''),
      calibrationFor: (key) => this.saved.get(key) ?? null,
    });
    this.sampler.onConnect((event) => this.connected(event.device, event.match, event.t));
    this.sampler.onDisconnect((event) => {
      const profile = this.state?.profile ?? 'generic-wheel';
      const known = this.state?.known ?? false;
      this.setState(null);
      void this.client
        .call('device.event', {
          kind: 'disconnected',
          t: event.t,
          device: event.device,
          deviceKey: event.deviceKey,
          profile,
          known,
        })
        .catch(() => undefined);
    });
    this.sampler.onSample((sample) => this.sample(sample));
  }

  get device(): DeviceState | null {
    return this.state;
  }

  /** Re-renders follow device changes (connect, disconnect, pending pedals, calibration). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): DeviceState | null => this.state;

  onSample(listener: (sample: InputSample) => void): () => void {
    this.sampleListeners.add(listener);
    return () => this.sampleListeners.delete(listener);
  }

  start(): void {
    this.sampler.start();
  }

  stop(): void {
    this.sampler.stop();
  }

  /** A calibration was saved: apply it now and whenever the device comes back. */
  applyCalibration(record: CalibrationRecord): void {
    this.saved.set(record.deviceKey, record);
    this.sampler.setCalibration(record.deviceKey, record);
    if (this.state?.deviceKey === record.deviceKey)
      this.setState({ ...this.state, calibrated: record.calibrated });
  }

  private connected(id: string, match: ProfileMatch, t: number): void {
    this.setState({
      id,
      deviceKey: match.deviceKey,
      profile: match.profile.key,
      label: match.profile.label,
      known: match.known,
      note: match.message,
      pending: null,
      calibrated: this.saved.get(match.deviceKey)?.calibrated ?? false,
    });
    void this.client
      .call('device.event', {
        kind: 'connected',
        t,
        device: id.slice(0, 200),
        deviceKey: match.deviceKey.slice(0, 200),
        profile: match.profile.key,
        known: match.known,
      })
      .catch(() => undefined);
    void this.client.call('calibration.get', { deviceKey: match.deviceKey, operator: this.operator() }).then(
      (saved) => {
        if (saved !== null) this.applyCalibration(saved.record);
      },
      () => undefined,
    );
  }

  private sample(sample: InputSample): void {
    const state = this.state;
    if (state === null) return;
    this.client.sendInput(toHumanInput(sample, state.profile));
    this.sent++;
    const pending = pendingMessage(sample.pending);
    if (pending !== state.pending) this.setState({ ...state, pending });
    for (const listener of this.sampleListeners) listener(sample);
  }

  private setState(state: DeviceState | null): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
