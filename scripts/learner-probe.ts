// Diagnostic probes for the driving novice, apart from AIM's gate (issue #4's diagnosis):
//   bc      — behaviour cloning of the actor on N expert-driven transitions from the training
//             seeds, evaluated deterministically on the held-out seeds after given numbers of steps.
//             If clean expert labels do not teach the actor, the gate is not the problem.
//   dagger  — DAgger with an expert label on every visited state: the novice drives, every state
//             it sees is labelled, the actor is trained on everything so far. An upper bound for
//             interactive methods that label only some states.
// Usage:
//   node scripts/learner-probe.ts bc --labels 2500 --steps 2000,5000,10000 [--labels-from mean|sample]
//   node scripts/learner-probe.ts dagger --rounds 10 --per-round 250 --steps-per-round 1000
//   … --mask-last-action   the actor sees 0.5 in place of the last applied action (observation
//                          features 5 and 6), to test whether it copies its own last action
// One JSON line per evaluation on stdout.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/learn/backend.ts';
import { ReplayBuffer } from '../main/learn/buffer.ts';
import { createActor, createAdam, trainableVariables } from '../main/learn/networks.ts';
import { evaluatePolicy } from '../main/learn/evaluate.ts';
import { createDrivingEnv } from '../main/sim/driving/index.ts';
import { DrivingExpert } from '../main/experts/driving-expert.ts';
import type { DrivingEnv } from '../main/sim/driving/driving-env.ts';
import { Rng } from '../main/sim/random.ts';
import { DRIVING_TRAIN_SEEDS } from '../main/session/environments.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    labels: { type: 'string', default: '2500' },
    steps: { type: 'string', default: '2000,5000,10000' },
    'labels-from': { type: 'string', default: 'sample' },
    driver: { type: 'string', default: 'sample' },
    rounds: { type: 'string', default: '10' },
    'per-round': { type: 'string', default: '250' },
    'steps-per-round': { type: 'string', default: '1000' },
    'eval-seeds': { type: 'string', default: '50' },
    lr: { type: 'string', default: '1e-4' },
    batch: { type: 'string', default: '1024' },
    seed: { type: 'string', default: '0' },
    'mask-last-action': { type: 'boolean', default: false },
  },
});
const mode = positionals[0];
const OBS = 259;
const ACT = 2;
const batchSize = Number(values.batch);
const evalSeeds = { start: 1000, count: Number(values['eval-seeds']) };
const rng = new Rng(Number(values.seed) + 17);
const labelsFrom = values['labels-from'];

/** Observation features 5 and 6 are the action applied last step; masked, the actor cannot copy it. */
function actorInput(obs: Float32Array): Float32Array {
  if (!values['mask-last-action']) return obs;
  const out = Float32Array.from(obs);
  for (let i = 0; i < out.length; i += OBS) out[i + 5] = out[i + 6] = 0.5;
  return out;
}

function actWith(actor: tf.Sequential) {
  return (obs: Float32Array, count: number) =>
    tf.tidy(
      () =>
        (actor.predict(tf.tensor2d(actorInput(obs), [count, OBS])) as tf.Tensor).dataSync() as Float32Array,
    );
}

/**
 * Drives `count` steps on the training seeds, `driver` choosing the applied action ('sample' the
 * noisy expert, 'mean' the deterministic one, or a novice policy), every state labelled by the expert.
 */
function collect(
  buffer: ReplayBuffer,
  count: number,
  driver: 'sample' | 'mean' | ((obs: Float32Array) => ArrayLike<number>),
  episodeRef: { next: number },
): { episodes: number; successes: number } {
  const env = createDrivingEnv() as DrivingEnv;
  const expert = new DrivingExpert(env);
  let episodes = 0;
  let successes = 0;
  let obs: Float32Array = new Float32Array();
  let fresh = true;
  for (let k = 0; k < count; k++) {
    if (fresh) {
      obs = env.reset(DRIVING_TRAIN_SEEDS.start + (episodeRef.next++ % DRIVING_TRAIN_SEEDS.count));
      expert.reset();
      fresh = false;
    }
    const mean = expert.act();
    const sample = expert.sample(rng);
    const label = labelsFrom === 'mean' ? mean : sample;
    const applied = driver === 'sample' ? sample : driver === 'mean' ? mean : driver(obs);
    const result = env.step(applied);
    buffer.add({
      obs: actorInput(obs),
      nextObs: result.obs,
      noviceAction: applied,
      appliedAction: label,
      intervention: true,
      interventionStart: false,
      done: result.terminated,
      success: result.info.arriveDest,
    });
    obs = result.obs;
    if (result.terminated || result.truncated) {
      episodes++;
      if (result.info.arriveDest) successes++;
      fresh = true;
    }
  }
  return { episodes, successes };
}

function train(actor: tf.Sequential, optimizer: tf.Optimizer, buffer: ReplayBuffer, steps: number): number {
  const variables = trainableVariables(actor);
  let last = 0;
  for (let s = 0; s < steps; s += 5) {
    const batch = buffer.gather(buffer.sampleIndices(batchSize, rng));
    last = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [batch.size, OBS]);
      const target = tf.tensor2d(batch.appliedAction, [batch.size, ACT]);
      let loss: tf.Scalar | null = null;
      for (let k = 0; k < 5; k++)
        loss = optimizer.minimize(
          () => tf.mean(tf.square(tf.sub(target, actor.apply(obs) as tf.Tensor))) as tf.Scalar,
          true,
          variables,
        );
      return (loss as tf.Scalar).dataSync()[0];
    });
  }
  return last;
}

function report(fields: Record<string, unknown>, actor: tf.Sequential): void {
  const t0 = performance.now();
  const r = evaluatePolicy(actWith(actor), 'driving', evalSeeds);
  const { outcomes: _o, ...summary } = r;
  process.stdout.write(
    `${JSON.stringify({ ...fields, evalSeconds: (performance.now() - t0) / 1000, ...summary })}\n`,
  );
}

async function main(): Promise<void> {
  const backend = await selectBackend('auto');
  const actor = createActor(OBS, ACT, [256, 256], Number(values.seed));
  const optimizer = createAdam(Number(values.lr));
  const buffer = new ReplayBuffer(100_000, OBS, ACT);
  const episodeRef = { next: 0 };
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 1000);
  if (mode === 'bc') {
    const labels = Number(values.labels);
    const driver = values.driver === 'mean' ? 'mean' : 'sample';
    const c = collect(buffer, labels, driver, episodeRef);
    process.stderr.write(
      `collected ${labels} (${c.episodes} episodes, ${c.successes} arrived) ${seconds()} s\n`,
    );
    let done = 0;
    for (const target of values.steps.split(',').map(Number)) {
      const loss = train(actor, optimizer, buffer, target - done);
      done = target;
      report({ mode, backend, labels, labelsFrom, driver, bcSteps: done, loss, seconds: seconds() }, actor);
    }
  } else if (mode === 'dagger') {
    const perRound = Number(values['per-round']);
    // Round 0: the expert drives, as a warm-up would.
    collect(buffer, perRound, 'sample', episodeRef);
    train(actor, optimizer, buffer, Number(values['steps-per-round']));
    const policy = actWith(actor);
    for (let round = 1; round <= Number(values.rounds); round++) {
      const c = collect(buffer, perRound, (obs) => policy(obs, 1), episodeRef);
      const loss = train(actor, optimizer, buffer, Number(values['steps-per-round']));
      report(
        {
          mode,
          backend,
          round,
          labels: buffer.size,
          trainEpisodes: c.episodes,
          trainArrived: c.successes,
          loss,
          seconds: seconds(),
        },
        actor,
      );
    }
  } else {
    throw new Error(`mode must be bc or dagger, got ${String(mode)}`);
  }
}

void main();
