// The session loop: owns the clock and, each decision, observes → asks the novice → Q_c(s, a_n) →
// gate (or a person's takeover) → applies the chosen action → hands the transition to the learner
// and the recorder → emits a compact frame. Real-time pace runs at the environment's decision rate
// (10 Hz for driving); fast pace runs as fast as the machine allows, yielding to the event loop.
// The learner trains on another thread (learn/async-learner.ts). In async mode the loop never waits
// for it and uses whatever weights have arrived; in lockstep mode (fast pace) it waits after each
// step until the learner has caught up, so a run does not depend on machine speed.
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type {
  CoreListener,
  EpisodeEvent,
  HumanInput,
  SceneEvent,
  SessionStatus,
  SessionStatusName,
} from '../contract/api.ts';
import type { ControlMode, HandbackReason, TakeoverTrigger } from '../contract/modes.ts';
import type { BackendName, ResolvedSessionConfig } from '../contract/session-config.ts';
import { encodeFrame } from '../contract/frame.ts';
import type { Env, StepResult } from '../sim/env.ts';
import type { Expert } from '../experts/expert.ts';
import { Rng } from '../sim/random.ts';
import type { Transition } from '../learn/buffer.ts';
import type { LearnerUpdate } from '../learn/async-learner.ts';
import type { PolicyEvalResult } from '../learn/evaluate.ts';
import type { StepStamp } from '../learn/learner-protocol.ts';
import type {
  EpisodeRecord,
  InputSampleRecord,
  SceneRecord,
  SessionEnd,
  StepRecord,
  TakeoverRecord,
} from '../store/records.ts';
import type { DeviceEvent } from '../contract/devices.ts';
import type { MethodGate } from '../learn/method.ts';
import { createGate } from './gates.ts';
import { TakeoverLog } from './takeovers.ts';
import { PersonTakeover, STALE_INPUT_MS, type PersonTurn } from './person.ts';
import { RawInputLog } from './raw-input.ts';

export { STALE_INPUT_MS } from './person.ts';

/** After an input fault the car brakes until it is this slow (m/s), then the session pauses. */
const STOPPED_SPEED = 0.3;
/** …or for at most this many decisions. */
const MAX_BRAKING_STEPS = 100;

/** PVP's fake human steps in when the expert's density of the novice's action is below 1 − 0.95 (§5.1). */
const PVP_FREE_LEVEL = 0.95;

/** What the loop needs from the learner (learn/async-learner.ts implements it). */
export interface SessionLearner {
  /** Transitions sent and not yet trained on. */
  readonly lag: number;
  act(obs: Float32Array): Float32Array;
  q(obs: Float32Array, action: ArrayLike<number>): number;
  /** An ensemble's disagreement at s (robot-gated ensemble methods gate on it). */
  novelty(obs: Float32Array): number;
  observe(transition: Transition, at: StepStamp): void;
  initialFit(at: StepStamp): void;
  evaluate(at: StepStamp): Promise<PolicyEvalResult>;
  takeUpdates(): LearnerUpdate[];
  settled(): Promise<void>;
}

/** Where the session layer hears of the learner's results (checkpoints and evaluations are stored there). */
export interface LearnerHooks {
  /** A fit or round was swapped in; ε and τ are the gate's after applying it. */
  updated?(update: LearnerUpdate, gate: { epsilon: number | null; threshold: number | null }): void;
  evaluated?(at: StepStamp, result: PolicyEvalResult): void;
}

/** How far a resumed session had come, and its gate. */
export interface ResumePoint {
  step: number;
  /** The next free episode index. */
  episode: number;
  finishedEpisodes: number;
  expertSteps: number;
  takeovers: number;
  successes: number;
  epsilon: number;
  threshold: number;
}

export interface EnvSetup {
  env: Env;
  expert: Expert;
  /** The scenario seed of the n-th training episode of a session. */
  seedFor(episode: number): number;
  /** Applied while a person's input has stopped: the car's full brake, the grid's no-op 'done'. */
  idleAction: readonly number[];
}

/** What the runner needs from the store's recorder. */
export interface SessionRecorder {
  step(record: StepRecord): void;
  scene(record: SceneRecord): void;
  episode(record: EpisodeRecord): void;
  takeover(record: TakeoverRecord): void;
  inputSamples(records: readonly InputSampleRecord[]): void;
  flush(): void;
}

/** What a decision means for the wheel's force feedback (session/force-feedback.ts). */
export interface DecisionHaptics {
  speed: number;
  /** The novice's steering; the wheel is pulled toward it while the robot drives. */
  noviceSteer: number;
  driver: 'robot' | 'expert' | 'person';
  helpRequested: boolean;
}

export interface SessionRunnerOptions {
  sessionId: number;
  config: ResolvedSessionConfig;
  backend: BackendName;
  setup: EnvSetup;
  learner: SessionLearner;
  recorder: SessionRecorder;
  listener: CoreListener;
  hooks?: LearnerHooks;
  resume?: ResumePoint;
  /** Milliseconds; performance.now by default. */
  now?: () => number;
  /** Told every decision (force feedback follows the car). */
  haptics?: (decision: DecisionHaptics) => void;
}

type Driver = 'robot' | 'expert' | 'person';

/** One decision's outcome, however it was reached (the gate with a simulated expert, or a person). */
interface Turn {
  driver: Driver;
  mode: ControlMode;
  applied: ArrayLike<number>;
  /** The expert's or person's action, recorded when they drove. */
  human: ArrayLike<number> | null;
  helpRequested: boolean;
  /** Expert-involved whoever drives (a warm-up step, any step of a human-gated method). */
  expertInvolved: boolean;
  /** The person's input failed: this step brakes, ends their takeover and starts braking to a stop. */
  fault: string | null;
}

interface EpisodeTally {
  seed: number;
  startStep: number;
  takeoversAtStart: number;
  crash: boolean;
  outOfRoad: boolean;
}

export class SessionRunner {
  readonly sessionId: number;
  readonly config: ResolvedSessionConfig;
  readonly backend: BackendName;
  private readonly setup: EnvSetup;
  private readonly learner: SessionLearner;
  private readonly hooks: LearnerHooks;
  private readonly evaluations = new Set<Promise<void>>();
  private fitRequested = false;
  private lastEvaluatedAt = -1;
  private readonly recorder: SessionRecorder;
  private readonly listener: CoreListener;
  private readonly now: () => number;
  private readonly gate: MethodGate;
  private readonly takeovers: TakeoverLog;
  private readonly person: PersonTakeover | null;
  private readonly rawInput: RawInputLog;
  private readonly haptics: ((decision: DecisionHaptics) => void) | null;
  /** Why the car is braking to a stop before the session pauses, or null. */
  private braking: { reason: string; steps: number } | null = null;
  private readonly expertRng: Rng;
  private obs: Float32Array = new Float32Array();
  private state: SessionStatusName = 'idle';
  private message: string | null = null;
  private stopRequested = false;
  private stopStatus: 'finished' | 'interrupted' = 'finished';
  private stopMessage: string | null = null;
  private resumeWaiters: Array<() => void> = [];
  private lastInput: { sample: HumanInput; receivedAt: number } | null = null;
  private decisionStartedAt = 0;
  private previousDriver: Driver = 'robot';
  private step = 0;
  /** Index of the current episode; a resumed session skips the one it was stopped in. */
  private episode = 0;
  private finishedEpisodes = 0;
  private episodeStep = 0;
  private expertSteps = 0;
  private successes = 0;
  private seq = 0;
  private startedAt = 0;
  private tally: EpisodeTally | null = null;
  private scene: SceneEvent | null = null;
  /** The map region the ego was last in, for attributing takeovers. */
  private region = '';

  constructor(options: SessionRunnerOptions) {
    this.sessionId = options.sessionId;
    this.config = options.config;
    this.backend = options.backend;
    this.setup = options.setup;
    this.learner = options.learner;
    this.hooks = options.hooks ?? {};
    this.recorder = options.recorder;
    this.listener = options.listener;
    this.now = options.now ?? (() => performance.now());
    this.gate = createGate(options.config, options.setup.env.spec.actionSpace.kind);
    this.takeovers = new TakeoverLog((record) => this.recorder.takeover(record));
    this.rawInput = new RawInputLog((samples) => this.recorder.inputSamples(samples));
    this.haptics = options.haptics ?? null;
    const resume = options.resume;
    // A resumed session draws fresh expert noise: its stream cannot be replayed to where it was.
    this.expertRng = new Rng((options.config.seed ^ 0xe4e4) + (resume?.step ?? 0));
    if (resume) {
      this.step = resume.step;
      this.episode = resume.episode;
      this.finishedEpisodes = resume.finishedEpisodes;
      this.expertSteps = resume.expertSteps;
      this.takeovers.count = resume.takeovers;
      this.successes = resume.successes;
      this.gate.resume(resume.epsilon, resume.threshold);
      this.fitRequested = true;
    }
    const expert = options.config.expert;
    this.person = expert.kind === 'person' ? new PersonTakeover(expert, this.gate) : null;
  }

  status(): SessionStatus {
    return {
      sessionId: this.sessionId,
      status: this.state,
      config: this.config,
      backend: this.backend,
      step: this.step,
      episode: this.finishedEpisodes,
      takeovers: this.takeovers.count,
      expertSteps: this.expertSteps,
      successRate: this.finishedEpisodes > 0 ? this.successes / this.finishedEpisodes : null,
      message: this.message,
    };
  }

  currentScene(): SceneEvent | null {
    return this.scene;
  }

  /** Runs until the step budget is spent, stop() is called, or an error ends it. */
  async run(): Promise<SessionEnd> {
    this.startedAt = this.now();
    try {
      this.beginEpisode();
      this.setState('running');
      const period = 1000 / this.setup.env.spec.decisionHz;
      let due = this.now();
      while (!this.stopRequested && (this.config.steps === 0 || this.step < this.config.steps)) {
        if (this.state === 'paused') {
          await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
          due = this.now();
          continue;
        }
        this.decide();
        if (this.config.learnerMode === 'lockstep') await this.learner.settled();
        if (this.config.pace === 'realtime') {
          due += period;
          const wait = due - this.now();
          // Behind by more than a period (a slow update): start a fresh schedule rather than rush.
          if (wait < -period) due = this.now();
          await sleep(Math.max(0, wait));
          // Timers run before the event loop reads sockets: let input that queued up while the
          // loop was busy arrive before judging whether the person's input went stale.
          await yieldToEventLoop();
        } else if (this.step % 16 === 0) {
          await yieldToEventLoop();
        }
      }
      await this.concludeLearning(this.stopStatus === 'finished');
      return this.finish(this.stopStatus, this.stopMessage);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.finish('failed', message);
    }
  }

  pause(reason: string | null = null): void {
    if (this.state !== 'running') return;
    this.message = reason;
    this.setState('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.message = null;
    this.setState('running');
    this.wakeUp();
  }

  /** Ends the session after the current decision; 'interrupted' when the host is shutting down. */
  stop(status: 'finished' | 'interrupted' = 'finished', message: string | null = null): void {
    this.stopRequested = true;
    this.stopStatus = status;
    this.stopMessage = message;
    this.wakeUp();
  }

  input(sample: HumanInput): void {
    const at = this.now();
    if (this.person && !this.person.accepts(sample)) return;
    this.lastInput = { sample, receivedAt: at };
    this.person?.input(sample, at);
    this.rawInput.add(sample, at - this.startedAt);
  }

  /** A device came or went; losing the person's device while they drive is a fault. */
  device(event: DeviceEvent): void {
    if (!this.person) return;
    if (event.kind === 'disconnected')
      this.person.deviceLost(event.deviceKey, `${event.device} was disconnected`);
    else this.person.deviceBack(event.deviceKey);
  }

  private wakeUp(): void {
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private setState(state: SessionStatusName): void {
    this.state = state;
    this.listener.event('status', this.status());
  }

  private beginEpisode(): void {
    const seed = this.setup.seedFor(this.episode);
    this.obs = this.setup.env.reset(seed);
    this.setup.expert.reset();
    this.episodeStep = 0;
    this.previousDriver = 'robot';
    this.tally = {
      seed,
      startStep: this.step,
      takeoversAtStart: this.takeovers.count,
      crash: false,
      outOfRoad: false,
    };
    const scene = this.setup.env.scene();
    this.scene = { sessionId: this.sessionId, episode: this.episode, seed, scene };
    this.recorder.scene({ episode: this.episode, seed, scene });
    this.listener.event('scene', this.scene);
  }

  /** The person's sample if they hold the takeover control, 'stale' if it stopped arriving, else null. */
  private engagedPerson(): HumanInput | 'stale' | null {
    if (!this.lastInput?.sample.engaged) return null;
    return this.decisionStartedAt - this.lastInput.receivedAt > STALE_INPUT_MS
      ? 'stale'
      : this.lastInput.sample;
  }

  private decide(): void {
    // Input is judged stale against the moment the decision began: the core's own work below
    // (applying updates, checkpoints, inference) must not count as the person's silence, since
    // samples that arrive meanwhile wait in the socket until the decision is done.
    this.decisionStartedAt = this.now();
    this.applyLearnerUpdates();
    if (this.braking !== null) {
      this.brakeToStop(this.braking);
      return;
    }
    const obs = this.obs;
    const novice = this.learner.act(obs);
    const { initialised, signals } = this.gate;
    const q = initialised && signals.q ? this.learner.q(obs, novice) : null;
    const novelty = initialised && signals.novelty ? this.learner.novelty(obs) : null;
    const threshold = this.gate.currentThreshold;
    const turn = this.person
      ? this.personTurn(this.person, novice, q, threshold)
      : this.gateTurn(novice, q, novelty, threshold);
    // The gate's score of this step is what the Q plot shows, against the gate's threshold on it: Q_c,
    // or an ensemble's novelty (thrifty-dagger-original's too: its Q_risk has thresholds of its own).
    if (turn !== null) this.play(obs, novice, novelty ?? q, threshold, turn);
  }

  /** The simulated expert answers the gate; a person may still take over with the keyboard. */
  private gateTurn(
    novice: Float32Array,
    q: number | null,
    novelty: number | null,
    threshold: number | null,
  ): Turn {
    const { expert } = this.setup;
    const expertAction = expert.sample(this.expertRng);
    const person = this.engagedPerson();
    let driver: Driver;
    let applied: ArrayLike<number>;
    let handback: HandbackReason | null = null;
    let fault: string | null = null;
    const decision = this.gate.step({
      q,
      novelty,
      discrepancy: meanSquaredDifference(novice, expertAction),
      expertLogDensity: expert.logDensity?.(novice) ?? null,
      personDriving: person !== null,
      warmupTakeover: this.pvpWouldTakeOver(novice),
    });
    const helpRequested = decision.helpRequested;
    if (person === 'stale') {
      // Input stopped while the person was driving: brake, end their takeover, and wait for them.
      driver = 'person';
      applied = this.setup.idleAction;
      this.lastInput = null;
      fault = 'Takeover input stopped arriving; the car braked and the session paused. Resume when ready.';
    } else {
      if (person !== null) {
        driver = 'person';
        applied = this.personAction(person, novice);
      } else {
        driver = decision.mode === 'robot' ? 'robot' : 'expert';
        applied = driver === 'robot' ? novice : expertAction;
        if (this.previousDriver === 'person') handback = 'release';
        else if (decision.handedBack) handback = 'agreement';
      }
    }
    const mode: ControlMode = driver === 'robot' ? 'robot' : decision.mode === 'warmup' ? 'warmup' : 'human';
    this.trackTakeover(
      driver,
      helpRequested,
      decision.humanGated === true,
      handback,
      novelty ?? q,
      threshold,
    );
    return {
      driver,
      mode,
      applied,
      human: driver === 'robot' ? null : person === null ? expertAction : applied,
      helpRequested,
      expertInvolved: decision.expertInvolved,
      fault,
    };
  }

  /** A person's action: steer and throttle, or a grid action (none chosen approves the novice's proposal). */
  private personAction(person: HumanInput, novice: Float32Array): number[] {
    if (this.setup.env.spec.actionSpace.kind === 'discrete') return [person.discrete ?? novice[0]];
    return [person.steer, person.throttle];
  }

  /** A person is the expert: person.ts decides who drives. */
  private personTurn(
    person: PersonTakeover,
    novice: Float32Array,
    q: number | null,
    threshold: number | null,
  ): Turn | null {
    const now = this.decisionStartedAt;
    const turn: PersonTurn = person.decide(novice, q, now);
    // Nothing from the person yet (the session has just started): the first decision waits.
    if (turn.driver === 'waiting') return null;
    if (turn.handback) this.endTakeover(turn.handback, now);
    if (turn.begin) {
      this.takeovers.begin({
        episode: this.episode,
        startStep: this.step,
        trigger: turn.begin.trigger,
        requestStep: person.lastRequest?.step ?? null,
        qAtRequest: person.lastRequest?.q ?? null,
        thresholdAtRequest: person.lastRequest?.threshold ?? null,
        region: this.region,
        reactionMs: turn.begin.reactionMs,
        startedAtMs: now,
      });
      this.rawInput.takeoverStarted(now - this.startedAt);
    }
    if (turn.helpRequested) person.noteRequest({ step: this.step, q, threshold });
    const driver: Driver = turn.driver === 'robot' ? 'robot' : 'person';
    const applied = turn.driver === 'robot' ? novice : (turn.action as [number, number]);
    return {
      driver,
      mode: turn.mode,
      applied,
      human: driver === 'person' ? applied : null,
      helpRequested: turn.helpRequested,
      expertInvolved: turn.warmup,
      fault: turn.fault,
    };
  }

  private endTakeover(handback: HandbackReason, now = this.now()): void {
    if (!this.takeovers.active) return;
    this.takeovers.end(handback, now);
    this.rawInput.takeoverEnded(now - this.startedAt);
  }

  /** Applies a turn: steps the simulator, trains, records and emits the frame. */
  private play(
    obs: Float32Array,
    novice: Float32Array,
    q: number | null,
    threshold: number | null,
    turn: Turn,
  ): void {
    const { driver, applied } = turn;
    const result = this.setup.env.step(applied);
    const intervention = driver !== 'robot';
    if (intervention) this.takeovers.expertStep(this.step);
    // Expert-involved steps as §7 counts them per method: every step the expert drives, and the
    // steps the method's gate says the expert watches (AIM's warm-up, every human-gated step).
    const involved = intervention || turn.expertInvolved;
    if (involved) this.expertSteps++;
    this.train(
      {
        obs,
        nextObs: result.obs,
        noviceAction: novice,
        appliedAction: applied,
        intervention,
        interventionStart: intervention && this.previousDriver === 'robot',
        done: result.terminated,
        success: result.info.arriveDest,
      },
      involved,
    );
    this.emit(obs, result, turn.mode, novice, applied, turn.human, q, threshold, turn.helpRequested);
    this.haptics?.({
      speed: this.setup.env.ego().speed,
      noviceSteer: novice[0],
      driver,
      helpRequested: turn.helpRequested,
    });
    // A fault ends the person's takeover after this braking step, not before it.
    if (turn.fault !== null) {
      this.endTakeover('fault');
      this.braking = { reason: turn.fault, steps: 0 };
    }
    this.previousDriver = turn.fault !== null ? 'robot' : driver;
    this.advance(result);
    if (this.braking !== null) this.pauseIfStopped(this.braking);
  }

  /** After an input fault: brake (not training on it) until the car stands, then pause and say why. */
  private brakeToStop(braking: { reason: string; steps: number }): void {
    const obs = this.obs;
    const novice = this.learner.act(obs);
    const { idleAction } = this.setup;
    const result = this.setup.env.step(idleAction);
    braking.steps++;
    this.emit(obs, result, 'paused', novice, idleAction, null, null, null, false);
    this.advance(result);
    this.pauseIfStopped(braking);
  }

  private pauseIfStopped(braking: { reason: string; steps: number }): void {
    if (
      this.setup.env.ego().speed > STOPPED_SPEED &&
      braking.steps < MAX_BRAKING_STEPS &&
      this.episodeStep > 0
    )
      return;
    this.braking = null;
    this.pause(braking.reason);
  }

  private advance(result: StepResult): void {
    this.rawInput.flush();
    this.region = result.info.region;
    this.step++;
    this.episodeStep++;
    this.obs = result.obs;
    if (result.terminated || result.truncated) this.endEpisode(result);
  }

  private trackTakeover(
    driver: Driver,
    helpRequested: boolean,
    humanGated: boolean,
    handback: HandbackReason | null,
    q: number | null,
    threshold: number | null,
  ): void {
    const now = this.now();
    if (handback) this.endTakeover(handback, now);
    if (driver === 'robot' || this.takeovers.active) return;
    // A person, or a human-gated method's simulated human, starts a 'human' takeover. Otherwise the
    // expert drives unasked only while warm-up lasts or carries over (until agreement, or until the
    // initial fit arrives in real time).
    const trigger: TakeoverTrigger =
      driver === 'person' || humanGated ? 'human' : helpRequested ? 'robot' : 'warmup';
    this.takeovers.begin({
      episode: this.episode,
      startStep: this.step,
      trigger,
      requestStep: helpRequested ? this.step : null,
      qAtRequest: helpRequested ? q : null,
      thresholdAtRequest: helpRequested ? threshold : null,
      region: this.region,
      reactionMs: null,
      startedAtMs: now,
    });
    this.rawInput.takeoverStarted(now - this.startedAt);
  }

  /** humanGatedPVP warm-up: would PVP's fake human take over from this novice action? */
  private pvpWouldTakeOver(novice: ArrayLike<number>): boolean {
    const { expert } = this.setup;
    if (!this.gate.inWarmup || this.config.aim.warmupMode !== 'humanGatedPVP' || !expert.logDensity)
      return true;
    return Math.exp(expert.logDensity(novice)) < 1 - PVP_FREE_LEVEL;
  }

  /** Hands the transition to the learner; asks for the initial fit the moment warm-up ends, and for evaluations. */
  private train(transition: Transition, involved: boolean): void {
    const at: StepStamp = { step: this.step + 1, expertSteps: this.expertSteps };
    this.learner.observe(transition, at);
    if (!this.fitRequested && !this.gate.inWarmup) {
      this.learner.initialFit(at);
      this.fitRequested = true;
    }
    const every = this.config.evalEvery;
    if (every > 0 && involved && this.fitRequested && this.expertSteps % every === 0)
      this.requestEvaluation(at);
  }

  private requestEvaluation(at: StepStamp): void {
    this.lastEvaluatedAt = at.step;
    const done = this.learner.evaluate(at).then((result) => this.hooks.evaluated?.(at, result));
    this.evaluations.add(done);
    void done.finally(() => this.evaluations.delete(done)).catch(() => undefined);
  }

  /** Swaps in the learner's finished fits and rounds and lets the gate follow them. */
  private applyLearnerUpdates(): void {
    for (const update of this.learner.takeUpdates()) {
      if (update.kind === 'fit') {
        this.gate.initialise(update.epsilon, update.heldOutQ);
        this.gate.policyUpdated();
      } else {
        if (update.report.policyUpdated) this.gate.policyUpdated();
        if (update.threshold !== null) this.gate.setThreshold(update.threshold);
      }
      this.hooks.updated?.(update, {
        epsilon: this.gate.agreementThreshold,
        threshold: this.gate.currentThreshold,
      });
    }
  }

  /**
   * At the end: the updates already made are applied (and so checkpointed), the evaluations asked
   * for come back, and a session that finished normally gets a last evaluation of its final policy.
   */
  private async concludeLearning(finished: boolean): Promise<void> {
    if (this.config.learnerMode === 'lockstep') await this.learner.settled();
    this.applyLearnerUpdates();
    if (finished && this.config.evalEvery > 0 && this.gate.initialised && this.lastEvaluatedAt !== this.step)
      this.requestEvaluation({ step: this.step, expertSteps: this.expertSteps });
    await Promise.all(this.evaluations);
  }

  private emit(
    obs: Float32Array,
    result: StepResult,
    mode: ControlMode,
    novice: ArrayLike<number>,
    applied: ArrayLike<number>,
    human: ArrayLike<number> | null,
    q: number | null,
    threshold: number | null,
    helpRequested: boolean,
  ): void {
    const ego = this.setup.env.ego();
    const frame = encodeFrame({
      seq: this.seq++,
      step: this.step,
      episode: this.episode,
      episodeStep: this.episodeStep,
      simTime: this.episodeStep / this.setup.env.spec.decisionHz,
      mode,
      q: q ?? Number.NaN,
      threshold: threshold ?? Number.NaN,
      novice: [novice[0], novice[1] ?? Number.NaN],
      applied: [applied[0], applied[1] ?? Number.NaN],
      human: human ? [human[0], human[1] ?? Number.NaN] : [Number.NaN, Number.NaN],
      egoX: ego.x,
      egoY: ego.y,
      egoHeading: ego.heading,
      egoSpeed: ego.speed,
      takeovers: this.takeovers.count,
      expertSteps: this.expertSteps,
      helpRequested,
      reward: result.reward,
      cost: result.cost,
      routeCompletion: result.info.routeCompletion,
      learnerLag: this.learner.lag,
      actors: this.setup.env.actors(),
    });
    if (this.tally) {
      this.tally.crash ||= result.info.crashVehicle || result.info.crashObject;
      this.tally.outOfRoad ||= result.info.outOfRoad;
    }
    this.recorder.step({
      step: this.step,
      episode: this.episode,
      episodeStep: this.episodeStep,
      wallMs: this.now() - this.startedAt,
      mode,
      q,
      threshold,
      novice,
      applied,
      human,
      reward: result.reward,
      cost: result.cost,
      done: result.terminated || result.truncated,
      helpRequested,
      egoX: ego.x,
      egoY: ego.y,
      egoHeading: ego.heading,
      egoSpeed: ego.speed,
      obs,
      frame,
    });
    this.listener.frame(frame);
  }

  private endEpisode(result: StepResult): void {
    this.endTakeover('episode-end');
    this.gate.episodeEnd();
    this.person?.episodeEnd();
    const tally = this.tally as EpisodeTally;
    const success = result.info.arriveDest;
    if (success) this.successes++;
    const record: EpisodeRecord = {
      episode: this.episode,
      seed: tally.seed,
      startStep: tally.startStep,
      steps: this.step - tally.startStep,
      success,
      return: result.info.episodeReward,
      cost: result.info.episodeCost,
      routeCompletion: result.info.routeCompletion,
      takeovers: this.takeovers.count - tally.takeoversAtStart,
      crash: tally.crash,
      outOfRoad: tally.outOfRoad,
    };
    this.recorder.episode(record);
    const event: EpisodeEvent = { sessionId: this.sessionId, ...record };
    this.listener.event('episode', event);
    this.episode++;
    this.finishedEpisodes++;
    this.beginEpisode();
  }

  private finish(status: SessionEnd['status'], message: string | null): SessionEnd {
    this.endTakeover('session-end');
    this.rawInput.flush();
    this.recorder.flush();
    this.message = message;
    this.setState(status);
    return {
      status,
      message,
      steps: this.step,
      episodes: this.finishedEpisodes,
      expertSteps: this.expertSteps,
      takeovers: this.takeovers.count,
      successRate: this.finishedEpisodes > 0 ? this.successes / this.finishedEpisodes : null,
    };
  }
}

function meanSquaredDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}
