// PVP-TD3, the original Proxy Value Propagation learner (Peng et al. 2023, metadriverse/pvp
// pvp_td3.py; aim-algorithm.md §6), human-gated with PVP's density gate (pvp.ts, free level 0.95).
// Unlike the paper table's `pvp`, the policy is not cloned: it maximises a reward-free Q that the
// expert's interventions shape.
//
//   critics  Q_1, Q_2 (s, a) with targets Q̄_1, Q̄_2 and a target actor π̄; on a batch drawn half from
//            the human buffer D_h and half from the novice buffer D_n:
//              y       = γ·(1 − d)·min_i Q̄_i(s', ã'),  ã' = clip(π̄(s') + clip(ε, −c, c), −1, 1),
//                        ε ∼ N(0, σ²), σ = 0.2, c = 0.5       (no reward term: r ≡ 0)
//              L_TD,i  = ½·E[ (1 − I_start)·(Q_i(s, a_b) − y)² ]   (no TD across a takeover's start)
//              L_PV,i  = E[ I·(Q_i(s, a_h) − 1)² ] + E[ I·(Q_i(s, a_n) + 1)² ]
//              L_Q     = Σ_i L_TD,i + L_PV,i
//            with a_b the applied action, I the intervention flag, a_h the expert's (applied) action
//            and a_n the novice's proposal of that step
//   actor    L_π = −E[ Q_1(s, π(s)) ]   every `policyDelay` critic steps, then
//            θ̄ ← τ·θ + (1 − τ)·θ̄ for π̄, Q̄_1, Q̄_2 (τ = 0.005)
//   cadence  `gradientSteps` (5) of the above after every env step, once both buffers hold data
import * as tf from '@tensorflow/tfjs';
import type { AimLearnerConfig, AimLearnerState, InitialFit, UpdateReport } from './aim.ts';
import { meanAction } from './bc.ts';
import { ReplayBuffer, type Batch, type Transition } from './buffer.ts';
import type { MethodLearner } from './method.ts';
import {
  createActor,
  createAdam,
  createProxyQ,
  polyakUpdate,
  trainableVariables,
  predictAll,
} from './networks.ts';
import { Rng } from '../sim/random.ts';

export interface PvpTd3Settings {
  gamma: number;
  tau: number;
  /** Target-policy smoothing: noise σ and its clip c. */
  noise: number;
  noiseClip: number;
  policyDelay: number;
  /** Critic steps after every env step. */
  gradientSteps: number;
}

export const PVP_TD3_DEFAULTS: PvpTd3Settings = {
  gamma: 0.99,
  tau: 0.005,
  noise: 0.2,
  noiseClip: 0.5,
  policyDelay: 2,
  gradientSteps: 5,
};

/** The free level of PVP's own fake-human scripts (the table's `pvp` uses 0.9). */
export const PVP_TD3_FREE_LEVEL = 0.95;

/** L_PV = E[I·(Q(s,a_h) − 1)²] + E[I·(Q(s,a_n) + 1)²], means over the whole batch. */
export function proxyValueLoss(qHuman: tf.Tensor, qNovice: tf.Tensor, intervention: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () =>
      tf.add(
        tf.mean(tf.mul(intervention, tf.square(tf.sub(qHuman, 1)))),
        tf.mean(tf.mul(intervention, tf.square(tf.add(qNovice, 1)))),
      ) as tf.Scalar,
  );
}

/** L_TD = ½·E[(1 − I_start)·(Q(s,a_b) − y)²], y a constant computed outside the gradient. */
export function maskedTdLoss(q: tf.Tensor, target: tf.Tensor, start: tf.Tensor): tf.Scalar {
  return tf.tidy(
    () => tf.mul(0.5, tf.mean(tf.mul(tf.sub(1, start), tf.square(tf.sub(q, target))))) as tf.Scalar,
  );
}

export class PvpTd3Learner implements MethodLearner {
  readonly actor: tf.Sequential;
  /** The gate does not read PVP's critics: they are the learner's own. */
  readonly proxyQ = null;
  readonly proxyQTarget = null;
  private readonly config: AimLearnerConfig;
  private readonly settings: PvpTd3Settings;
  private readonly actorTarget: tf.Sequential;
  private readonly critics: [tf.Sequential, tf.Sequential];
  private readonly criticTargets: [tf.Sequential, tf.Sequential];
  private readonly actorOptimizer: tf.Optimizer;
  private readonly criticOptimizer: tf.Optimizer;
  private readonly human: ReplayBuffer;
  private readonly novice: ReplayBuffer;
  private readonly rng: Rng;
  private criticSteps = 0;

  constructor(config: AimLearnerConfig, settings: PvpTd3Settings = PVP_TD3_DEFAULTS) {
    this.config = config;
    this.settings = settings;
    const { obsDim, actionDim, actorHidden, qHidden, seed } = config;
    this.rng = new Rng(seed ^ 0x7d3);
    this.human = new ReplayBuffer(config.bufferCapacity, obsDim, actionDim);
    this.novice = new ReplayBuffer(config.bufferCapacity, obsDim, actionDim);
    this.actor = createActor(obsDim, actionDim, actorHidden, seed);
    this.actorTarget = createActor(obsDim, actionDim, actorHidden, seed);
    this.critics = [
      createProxyQ(obsDim, actionDim, qHidden, seed + 1000),
      createProxyQ(obsDim, actionDim, qHidden, seed + 2000),
    ];
    this.criticTargets = [
      createProxyQ(obsDim, actionDim, qHidden, seed + 1000),
      createProxyQ(obsDim, actionDim, qHidden, seed + 2000),
    ];
    this.actorTarget.setWeights(this.actor.getWeights());
    this.criticTargets.forEach((target, i) => target.setWeights(this.critics[i].getWeights()));
    this.actorOptimizer = createAdam(config.learningRate);
    this.criticOptimizer = createAdam(config.learningRate);
  }

  get actors(): readonly tf.Sequential[] {
    return [this.actor];
  }

  observe(transition: Transition): void {
    (transition.intervention ? this.human : this.novice).add(transition);
  }

  initialFit(): InitialFit {
    return { epsilon: 0, heldOutQ: new Float32Array() };
  }

  afterStep(): UpdateReport {
    if (this.human.size === 0) return { bcSteps: 0, qSteps: 0, policyUpdated: false };
    let actorSteps = 0;
    for (let k = 0; k < this.settings.gradientSteps; k++) {
      this.criticStep(this.sample());
      this.criticSteps++;
      if (this.criticSteps % this.settings.policyDelay === 0) {
        this.actorStep(this.sample());
        this.updateTargets();
        actorSteps++;
      }
    }
    return { bcSteps: actorSteps, qSteps: this.settings.gradientSteps, policyUpdated: actorSteps > 0 };
  }

  act(obs: Float32Array, count: number): Float32Array {
    return meanAction(this.actors, obs, count);
  }

  state(): AimLearnerState {
    return { epsilon: 0, nextPolicyUpdate: this.criticSteps, lastQRoundAt: -1 };
  }

  restoreState(state: AimLearnerState): void {
    this.criticSteps = state.nextPolicyUpdate;
  }

  dispose(): void {
    for (const model of [this.actor, this.actorTarget, ...this.critics, ...this.criticTargets])
      model.dispose();
    this.actorOptimizer.dispose();
    this.criticOptimizer.dispose();
  }

  /** Half a batch from each buffer (all of it from the human buffer while the novice's is empty). */
  private sample(): Batch {
    const { batchSize } = this.config;
    if (this.novice.size === 0) return this.human.gather(this.human.sampleIndices(batchSize, this.rng));
    const half = Math.ceil(batchSize / 2);
    const a = this.human.gather(this.human.sampleIndices(half, this.rng));
    const b = this.novice.gather(this.novice.sampleIndices(batchSize - half, this.rng));
    const join = (x: Float32Array, y: Float32Array) => {
      const out = new Float32Array(x.length + y.length);
      out.set(x);
      out.set(y, x.length);
      return out;
    };
    return {
      size: a.size + b.size,
      obs: join(a.obs, b.obs),
      nextObs: join(a.nextObs, b.nextObs),
      noviceAction: join(a.noviceAction, b.noviceAction),
      appliedAction: join(a.appliedAction, b.appliedAction),
      intervention: join(a.intervention, b.intervention),
      interventionStart: join(a.interventionStart, b.interventionStart),
      done: join(a.done, b.done),
      success: join(a.success, b.success),
    };
  }

  private criticStep(batch: Batch): void {
    const { obsDim, actionDim } = this.config;
    const { gamma, noise, noiseClip } = this.settings;
    const variables = this.critics.flatMap((critic) => trainableVariables(critic));
    const noiseSeed = this.rng.int(0, 2 ** 31 - 1);
    tf.tidy(() => {
      const n = batch.size;
      const obs = tf.tensor2d(batch.obs, [n, obsDim]);
      const nextObs = tf.tensor2d(batch.nextObs, [n, obsDim]);
      const applied = tf.tensor2d(batch.appliedAction, [n, actionDim]);
      const proposed = tf.tensor2d(batch.noviceAction, [n, actionDim]);
      const intervention = tf.tensor2d(batch.intervention, [n, 1]);
      const start = tf.tensor2d(batch.interventionStart, [n, 1]);
      const done = tf.tensor2d(batch.done, [n, 1]);
      const smoothing = tf.clipByValue(
        tf.randomNormal([n, actionDim], 0, noise, 'float32', noiseSeed),
        -noiseClip,
        noiseClip,
      );
      const nextAction = tf.clipByValue(tf.add(predictAll(this.actorTarget, nextObs), smoothing), -1, 1);
      const nextInput = tf.concat([nextObs, nextAction], 1);
      const nextQ = tf.minimum(
        predictAll(this.criticTargets[0], nextInput),
        predictAll(this.criticTargets[1], nextInput),
      );
      const target = tf.mul(tf.mul(tf.sub(1, done), gamma), nextQ);
      const behaviour = tf.concat([obs, applied], 1);
      const novice = tf.concat([obs, proposed], 1);
      this.criticOptimizer.minimize(
        () =>
          tf.addN(
            this.critics.map((critic) =>
              tf.add(
                maskedTdLoss(critic.apply(behaviour) as tf.Tensor, target, start),
                proxyValueLoss(
                  critic.apply(behaviour) as tf.Tensor,
                  critic.apply(novice) as tf.Tensor,
                  intervention,
                ),
              ),
            ),
          ) as tf.Scalar,
        false,
        variables,
      );
    });
  }

  /** L_π = −E[Q_1(s, π(s))]. */
  private actorStep(batch: Batch): void {
    const { obsDim } = this.config;
    const variables = trainableVariables(this.actor);
    tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [batch.size, obsDim]);
      this.actorOptimizer.minimize(
        () =>
          tf.neg(
            tf.mean(
              this.critics[0].apply(tf.concat([obs, this.actor.apply(obs) as tf.Tensor], 1)) as tf.Tensor,
            ),
          ) as tf.Scalar,
        false,
        variables,
      );
    });
  }

  /** θ̄ ← τ·θ + (1 − τ)·θ̄ for the target actor and both target critics. */
  private updateTargets(): void {
    const { tau } = this.settings;
    const pairs: Array<[tf.Sequential, tf.Sequential]> = [
      [this.actor, this.actorTarget],
      [this.critics[0], this.criticTargets[0]],
      [this.critics[1], this.criticTargets[1]],
    ];
    for (const [online, target] of pairs) polyakUpdate(online, target, tau);
  }
}
