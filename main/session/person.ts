// A person as the expert (issue 7): who drives each decision when the help comes from someone at a
// wheel, a gamepad or the keyboard rather than from the simulated expert.
//
//   warm-up  the person drives (the gate's warm-up), and keeps driving until the learner's first
//            fit exists — there is nothing to hand back to before that.
//   robot    the novice drives. Robot-gated: when the gate asks for help the phase becomes `help`.
//            The person may take over at any moment (trigger 'human').
//   help     the gate asked; the car keeps following the novice until the person acts (trigger
//            'robot'; reaction time = first acting input − request).
//   person   the person drives. Hand-back by the AIM agreement rule, mean_dims (a_n − a_p)² ≤ ε
//            (the agreeing step is already the robot's, as in the gate), by letting go, or either.
//
// "Acting" is any switched-on trigger: a paddle held (Space on the keyboard), a pedal pressed past
// its threshold, the wheel turned away from the novice's steering by more than its threshold. After
// a hand-back the triggers must first go quiet (re-arm), so a paddle still held at agreement does
// not grab control straight back. A person who stops sending input (200 ms) or whose device goes
// away while they drive is a fault: the runner brakes to a stop and pauses, and after resume the
// robot's request stands (phase help) — the novice never silently takes over a takeover nobody ended.
import type { HumanInput } from '../contract/api.ts';
import type { ControlMode, HandbackReason, TakeoverTrigger } from '../contract/modes.ts';
import type { ExpertSource } from '../contract/session-config.ts';
import type { MethodGate } from '../learn/method.ts';

export type PersonExpert = Extract<ExpertSource, { kind: 'person' }>;

/** A person's input older than this while they drive is a fault (the keyboard's limit; a person session sets its own). */
export const STALE_INPUT_MS = 200;

export type PersonPhase = 'warmup' | 'robot' | 'help' | 'person';

export interface PersonTurn {
  /**
   * 'fault': the person drove and their input is gone; the runner brakes. 'waiting': the session
   * has not heard from the person yet, so the first decision waits for them.
   */
  driver: 'robot' | 'person' | 'fault' | 'waiting';
  mode: ControlMode;
  /** The person's [steer, throttle] when they drive. */
  action: [number, number] | null;
  helpRequested: boolean;
  /** A warm-up step (expert-involved whoever drives). */
  warmup: boolean;
  /** A takeover starts on this step. */
  begin: { trigger: TakeoverTrigger; reactionMs: number | null } | null;
  /** The person's takeover ended before this step. */
  handback: HandbackReason | null;
  /** Why a fault, in one sentence for the UI. */
  fault: string | null;
}

/** The gate's last help request, for the takeover row. */
export interface HelpRequest {
  step: number;
  q: number | null;
  threshold: number | null;
}

interface Latest {
  sample: HumanInput;
  receivedAt: number;
}

function meanSquaredDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

export class PersonTakeover {
  readonly settings: PersonExpert;
  private readonly gate: MethodGate;
  private latest: Latest | null = null;
  private heard = false;
  private lost: string | null = null;
  private phase: PersonPhase;
  /** The person's takeover span is open (the runner's TakeoverLog has begun it). */
  private driving = false;
  private armed = true;
  private requestAt: number | null = null;
  private actedAt: number | null = null;
  private noviceSteer = 0;
  private request: HelpRequest | null = null;
  /** The device the person drives with right now (a device key, or 'keyboard'). */
  private source: string | null = null;

  constructor(settings: PersonExpert, gate: MethodGate) {
    this.settings = settings;
    this.gate = gate;
    this.phase = gate.inWarmup ? 'warmup' : 'robot';
  }

  get currentPhase(): PersonPhase {
    return this.phase;
  }

  /** Whether a sample comes from the device the session's person drives with ('any' takes all). */
  accepts(sample: HumanInput): boolean {
    const device = this.settings.device;
    if (device === 'any') return true;
    if (device === 'keyboard') return sample.source === 'keyboard';
    return sample.raw !== undefined && (sample.raw.deviceKey === device || sample.raw.device === device);
  }

  /** The request a takeover answers, while it stands (the last one, until the episode ends). */
  get lastRequest(): HelpRequest | null {
    return this.request;
  }

  noteRequest(request: HelpRequest): void {
    this.request = request;
  }

  /** A sample from the person's device (or the keyboard), stamped with the core's clock. */
  input(sample: HumanInput, receivedAt: number): void {
    this.latest = { sample, receivedAt };
    this.heard = true;
    this.source = sample.raw?.deviceKey ?? sample.source;
    if (this.phase === 'help' && this.actedAt === null && this.armed && this.acts(sample, this.noviceSteer))
      this.actedAt = receivedAt;
  }

  /** A device went away: a fault if it is the one the person drives with (or the session's device). */
  deviceLost(deviceKey: string, reason: string): void {
    if (deviceKey !== this.source && deviceKey !== this.settings.device) return;
    this.lost = reason;
    this.latest = null;
  }

  deviceBack(deviceKey: string): void {
    if (
      this.lost !== null &&
      (deviceKey === this.source || this.settings.device === 'any' || deviceKey === this.settings.device)
    )
      this.lost = null;
  }

  /** A new episode: a pending request lapses; a takeover was already ended by the runner. */
  episodeEnd(): void {
    if (this.phase !== 'warmup') this.phase = this.gate.initialised ? 'robot' : 'warmup';
    this.driving = false;
    this.requestAt = null;
    this.actedAt = null;
    this.request = null;
  }

  /** Who drives this decision. */
  decide(novice: ArrayLike<number>, q: number | null, now: number): PersonTurn {
    this.noviceSteer = novice[0];
    const latest = this.fresh(now);
    const acting = latest !== null && this.acts(latest.sample, novice[0]);
    if (!acting) this.armed = true;
    const action: [number, number] | null = latest ? [latest.sample.steer, latest.sample.throttle] : null;
    const turn = (over: Partial<PersonTurn>): PersonTurn => ({
      driver: 'robot',
      mode: 'robot',
      action: null,
      helpRequested: false,
      warmup: false,
      begin: null,
      handback: null,
      fault: null,
      ...over,
    });
    const judged = (personDriving: boolean) =>
      this.gate.step({ q, discrepancy: 0, personDriving, warmupTakeover: true });

    if (!this.heard) return turn({ driver: 'waiting', mode: this.gate.inWarmup ? 'warmup' : 'robot' });
    if (this.phase === 'warmup' || this.phase === 'person') {
      const inWarmup = this.gate.inWarmup;
      if (action === null) return this.fault(inWarmup);
      // Nothing to hand back to until the learner's first fit has set ε and the threshold.
      const handback = inWarmup || !this.gate.initialised ? null : this.handback(novice, action, acting);
      judged(true);
      if (handback !== null) {
        this.phase = 'robot';
        this.driving = false;
        this.armed = false;
        return turn({ handback });
      }
      const begin = this.driving ? null : { trigger: 'warmup' as const, reactionMs: null };
      this.driving = true;
      if (!inWarmup) this.phase = 'person';
      return turn({ driver: 'person', mode: inWarmup ? 'warmup' : 'human', action, warmup: inWarmup, begin });
    }

    if (acting && this.armed && action !== null) {
      const requested = this.phase === 'help';
      const reactionMs = requested && this.requestAt !== null ? (this.actedAt ?? now) - this.requestAt : null;
      if (!requested) this.request = null;
      this.phase = 'person';
      this.driving = true;
      this.requestAt = null;
      this.actedAt = null;
      judged(true);
      return turn({
        driver: 'person',
        mode: 'human',
        action,
        begin: { trigger: requested ? 'robot' : 'human', reactionMs },
      });
    }
    if (this.phase === 'help') {
      judged(true);
      return turn({ mode: 'help' });
    }
    const decision = judged(this.settings.gating === 'human');
    if (decision.helpRequested) {
      this.phase = 'help';
      this.requestAt = now;
      this.actedAt = null;
      return turn({ mode: 'help', helpRequested: true });
    }
    return turn({});
  }

  /** Whether a sample shows the person taking control, by the switched-on triggers. */
  acts(sample: HumanInput, noviceSteer: number): boolean {
    const { triggers, pedalThreshold, steerThreshold } = this.settings;
    const raw = sample.raw;
    if (raw === undefined) return triggers.paddle && sample.engaged;
    return (
      (triggers.paddle && raw.paddle) ||
      (triggers.pedal && Math.max(raw.throttle, raw.brake) > pedalThreshold) ||
      (triggers.wheel && Math.abs(sample.steer - noviceSteer) > steerThreshold)
    );
  }

  private handback(
    novice: ArrayLike<number>,
    action: [number, number],
    acting: boolean,
  ): HandbackReason | null {
    const rule = this.settings.handback;
    const epsilon = this.gate.agreementThreshold;
    if (rule !== 'release' && epsilon !== null && meanSquaredDifference(novice, action) <= epsilon)
      return 'agreement';
    if (rule !== 'agreement' && !acting) return 'release';
    return null;
  }

  private fault(inWarmup: boolean): PersonTurn {
    const why = this.lost ?? 'input from the person stopped arriving';
    // After resume the robot's request stands: the banner asks, the novice only keeps the lane.
    this.phase = inWarmup ? 'warmup' : 'help';
    this.driving = false;
    this.requestAt = null;
    this.actedAt = null;
    this.armed = false;
    return {
      driver: 'fault',
      mode: inWarmup ? 'warmup' : 'human',
      action: [0, -1],
      helpRequested: false,
      warmup: inWarmup,
      begin: null,
      handback: null,
      fault: `${why[0].toUpperCase()}${why.slice(1)} while the person drove; the car braked to a stop and the session paused. Reconnect and resume to continue.`,
    };
  }

  private fresh(now: number): Latest | null {
    if (this.lost !== null || this.latest === null) return null;
    return now - this.latest.receivedAt > this.settings.staleInputMs ? null : this.latest;
  }
}
