// Behaviour cloning, the policy loss every continuous method shares (aim-algorithm.md §2.4, §6: the
// baselines differ in gating, not in how the novice learns, "for fairness"):
//
//   L_BC = E_(s,a_h)∈D_h ‖a_h − π(s)‖²        (mean over the batch and the action dimensions)
//
// and the offline BC baseline (method `bc`, §6): the expert demonstrates every step, and the policy
// at N expert steps is a freshly initialised actor trained for 2,000 steps of L_BC (batch 1024) on
// those first N transitions. Each evaluation point of its curve trains one such policy.
import * as tf from '@tensorflow/tfjs';
import type { AimLearnerConfig, AimLearnerState, InitialFit, UpdateReport } from './aim.ts';
import { ReplayBuffer, type Batch, type Transition } from './buffer.ts';
import { fixedDecision, type GateDecision, type MethodGate, type MethodLearner } from './method.ts';
import { createActor, createAdam, trainableVariables, predictAll } from './networks.ts';
import { Rng } from '../sim/random.ts';

/** `steps` Adam steps of L_BC on one batch (SB3 takes gradient_steps = 5 on each sampled batch). */
export function bcSteps(actor: tf.Sequential, optimizer: tf.Optimizer, batch: Batch, steps: number): void {
  const [obsDim] = actor.inputs[0].shape.slice(1) as number[];
  const [actionDim] = actor.outputs[0].shape.slice(1) as number[];
  const variables = trainableVariables(actor);
  tf.tidy(() => {
    const obs = tf.tensor2d(batch.obs, [batch.size, obsDim]);
    const target = tf.tensor2d(batch.appliedAction, [batch.size, actionDim]);
    for (let k = 0; k < steps; k++) {
      optimizer.minimize(
        () => tf.mean(tf.square(tf.sub(target, actor.apply(obs) as tf.Tensor))) as tf.Scalar,
        false,
        variables,
      );
    }
  });
}

/** Deterministic actions of one actor, or the mean of an ensemble's, for `count` observations. */
export function meanAction(actors: readonly tf.Sequential[], obs: Float32Array, count: number): Float32Array {
  return tf.tidy(() => {
    const [obsDim] = actors[0].inputs[0].shape.slice(1) as number[];
    const input = tf.tensor2d(obs, [count, obsDim]);
    const actions = actors.map((actor) => predictAll(actor, input));
    const mean = actions.length === 1 ? actions[0] : tf.div(tf.addN(actions), actions.length);
    return mean.dataSync() as Float32Array;
  });
}

/** Adam steps of the offline BC baseline's fit (2,000 in the paper-era code). */
export const OFFLINE_BC_STEPS = 2000;

/** The expert demonstrates every step: all of them are expert-involved and expert-labelled. */
export class DemonstrationGate implements MethodGate {
  readonly inWarmup = false;
  readonly initialised = true;
  readonly currentThreshold = null;
  readonly agreementThreshold = null;
  readonly signals = { q: false, novelty: false };
  initialise(): void {}
  resume(): void {}
  setThreshold(): void {}
  episodeEnd(): void {}
  policyUpdated(): void {}
  step(): GateDecision {
    return { ...fixedDecision('warmup', true), warmup: true };
  }
}

export class OfflineBcLearner implements MethodLearner {
  readonly proxyQ = null;
  readonly proxyQTarget = null;
  private readonly config: AimLearnerConfig;
  private readonly human: ReplayBuffer;
  private readonly rng: Rng;
  private readonly fitSteps: number;
  private actor: tf.Sequential;
  /** Transitions the current actor was trained on. */
  private trainedOn = 0;

  constructor(config: AimLearnerConfig, fitSteps = OFFLINE_BC_STEPS) {
    this.config = config;
    this.fitSteps = fitSteps;
    this.rng = new Rng(config.seed ^ 0xbc);
    this.human = new ReplayBuffer(config.bufferCapacity, config.obsDim, config.actionDim);
    this.actor = createActor(config.obsDim, config.actionDim, config.actorHidden, config.seed);
  }

  get actors(): readonly tf.Sequential[] {
    return [this.actor];
  }

  observe(transition: Transition): void {
    this.human.add(transition);
  }

  /** Nothing to fit while the expert demonstrates; the gate needs no thresholds. */
  initialFit(): InitialFit {
    return { epsilon: 0, heldOutQ: new Float32Array() };
  }

  afterStep(): UpdateReport {
    return { bcSteps: 0, qSteps: 0, policyUpdated: false };
  }

  act(obs: Float32Array, count: number): Float32Array {
    return meanAction(this.actors, obs, count);
  }

  /** Re-initialises the actor and fits it on every demonstration so far (the first N transitions). */
  prepareEvaluation(): void {
    if (this.human.size === this.trainedOn || this.human.size === 0) return;
    const { obsDim, actionDim, actorHidden, seed, batchSize, learningRate } = this.config;
    this.actor.dispose();
    this.actor = createActor(obsDim, actionDim, actorHidden, seed + this.human.size);
    const optimizer = createAdam(learningRate);
    for (let step = 0; step < this.fitSteps; step++)
      bcSteps(this.actor, optimizer, this.human.gather(this.human.sampleIndices(batchSize, this.rng)), 1);
    optimizer.dispose();
    this.trainedOn = this.human.size;
  }

  state(): AimLearnerState {
    return { epsilon: 0, nextPolicyUpdate: this.trainedOn, lastQRoundAt: -1 };
  }

  restoreState(): void {}

  dispose(): void {
    this.actor.dispose();
  }
}
