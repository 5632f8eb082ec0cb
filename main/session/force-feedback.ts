// The wheel's force feedback, driven by the session's decisions (issue 7): autocentre rising with
// speed as in MetaDrive (65535·(v_kmh + 30)/150, clipped; native/evdev-ff/control.ts), a constant
// force that turns the wheel toward the novice's steering while the robot drives — so the wheel is
// where the car is when the person grabs it — and a short pulse on each help request. While the
// person drives the wheel is theirs: no follow force. Without the add-on or a wheel every call is a
// no-op and the status says why, in the words the UI shows.
import type { FfReason, ForceFeedbackEvent } from '../contract/devices.ts';
import {
  openForceFeedback,
  wheelTargetForSteer,
  type FfStatus,
  type ForceFeedback,
  type ForceFeedbackOptions,
} from '../../native/evdev-ff/index.ts';
import type { DecisionHaptics } from './runner.ts';

const MESSAGES: Record<FfReason, string> = {
  ok: 'force feedback active',
  'not-linux': 'force feedback needs Linux',
  'no-addon': 'force-feedback add-on not built',
  'no-device': 'no force-feedback device',
  'no-permission': 'no permission to open the wheel (see native/evdev-ff/README.md)',
  'no-ff': 'the device has no force feedback',
  error: 'force feedback failed',
};

export function ffEvent(status: FfStatus): ForceFeedbackEvent {
  return {
    active: status.active,
    reason: status.reason,
    message: MESSAGES[status.reason],
    device: status.device?.name ?? null,
  };
}

export class WheelHaptics {
  private readonly ff: ForceFeedback;
  private readonly onStatus: (event: ForceFeedbackEvent) => void;
  private last: ForceFeedbackEvent;
  /** Car steer = gain × wheel position: the wheel target for a steer divides by it. */
  private gain = 1;

  private constructor(ff: ForceFeedback, onStatus: (event: ForceFeedbackEvent) => void) {
    this.ff = ff;
    this.onStatus = onStatus;
    this.last = ffEvent(ff.status());
  }

  /** Looks for a wheel now (loading the add-on on first use); never throws. */
  static open(
    onStatus: (event: ForceFeedbackEvent) => void,
    options: ForceFeedbackOptions = {},
  ): WheelHaptics {
    return new WheelHaptics(openForceFeedback(options), onStatus);
  }

  get status(): ForceFeedbackEvent {
    return this.last;
  }

  setSteeringGain(gain: number): void {
    if (Number.isFinite(gain) && gain > 0) this.gain = gain;
  }

  /** One decision: autocentre for the speed, follow the novice or let go, pulse on a request. */
  decision(d: DecisionHaptics): void {
    this.ff.setSpeed(d.speed * 3.6);
    if (d.driver === 'robot') this.ff.setTarget(wheelTargetForSteer(d.noviceSteer, this.gain));
    else this.ff.setTarget(null);
    if (d.helpRequested) this.ff.pulse();
    this.report();
  }

  /** Lets go of the wheel (pause, session end). */
  release(): void {
    this.ff.setTarget(null);
    this.report();
  }

  close(): void {
    this.ff.close();
  }

  private report(): void {
    const now = ffEvent(this.ff.status());
    if (now.active === this.last.active && now.reason === this.last.reason) return;
    this.last = now;
    this.onStatus(now);
  }
}
