// The learner's gradient steps timed on the active backend (`aim bench learner`), with a breakdown
// that shows where a step's time goes beyond its matrix products:
//   matmul      — the step's products alone (forward x·W, backward dW = xᵀ·g and dx = g·Wᵀ), on
//                 tensors already on the backend with their operands already transposed;
//   transpose   — materialising those transposes (xᵀ, Wᵀ), as the wasm kernel fix does per product
//                 (wasm-blas hands the transposes to BLAS and never pays this part);
//   forward     — the loss without gradients (products + bias adds, activations, concat, loss);
//   step        — forward + backward + Adam (the graph the learner runs, inputs already uploaded);
//   adam        — applying one set of gradients: ~10 elementwise passes over every parameter;
//   batch       — drawing a batch from the replay buffer (JS copies) and uploading it as tensors.
// GFLOP/s counts only the products (2·m·k·n each), so the gap to the matmul line is the overhead.
import * as tf from '@tensorflow/tfjs';
import { ReplayBuffer, syntheticTransition } from './buffer.ts';
import { aimLoss, disagreementMask } from './aim.ts';
import { activeBackend } from './backend.ts';
import { blasInfo } from './blas-matmul.ts';
import { createActor, createAdam, createProxyQ, trainableVariables, predictAll } from './networks.ts';
import type { BackendName } from '../contract/session-config.ts';
import type { BlasInfo } from '../../native/blas-matmul/index.ts';
import { Rng } from '../sim/random.ts';

export interface StepTiming {
  /** Gradient steps per second of the full step. */
  stepsPerSecond: number;
  msPerStep: number;
  /** Matrix-product work of one step (forward and backward), in GFLOP. */
  gflopPerStep: number;
  /** Achieved GFLOP/s of the full step (product work / step time). */
  gflops: number;
  /** Milliseconds per step of each part (see the file's header). */
  breakdown: {
    matmul: number;
    transpose: number;
    forward: number;
    step: number;
    adam: number;
    batch: number;
  };
  /** GFLOP/s the products reach alone: the ceiling for this step on this backend. */
  matmulGflops: number;
}

export interface LearnerBenchResult {
  backend: BackendName;
  /** On wasm-blas: the OpenBLAS doing the products (its kernel family for this CPU and threads). */
  blas?: BlasInfo;
  batch: number;
  actorBc: StepTiming;
  proxyQ: StepTiming;
}

export interface LearnerBenchOptions {
  batch?: number;
  /** Minimum wall time per measurement, ms; each runs at least `minRuns` times. */
  minMs?: number;
  minRuns?: number;
}

const OBS = 259;
const ACTION = 2;
const ACTOR = [OBS, 256, 256, ACTION];
const PROXY_Q = [OBS + ACTION, 400, 300, 1];

/** Mean milliseconds of `run` after one untimed warm-up call. */
function time(run: () => void, minMs: number, minRuns: number): number {
  run();
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < minMs) {
    run();
    runs++;
  }
  return (performance.now() - start) / runs;
}

/** The products of a dense stack's forward pass (and its backward, when `backward`) on `passes` batches. */
function productFlops(sizes: readonly number[], batch: number, passes: number, backward: boolean): number {
  let flops = 0;
  for (let l = 1; l < sizes.length; l++) {
    const product = 2 * batch * sizes[l - 1] * sizes[l];
    // Forward, then dW for every layer and dx for all but the first (its input needs no gradient).
    flops += product + (backward ? product + (l > 1 ? product : 0) : 0);
  }
  return flops * passes;
}

/** The step's products alone (forward, then dW and dx on pre-transposed operands), and its transposes. */
function products(
  sizes: readonly number[],
  batch: number,
  passes: number,
  backward: boolean,
  keep: tf.Tensor[],
): { gemm: () => void; transposes: () => void } {
  const layers = sizes.slice(1).map((out, i) => {
    const x = tf.randomUniform([batch, sizes[i]]);
    const w = tf.randomUniform([sizes[i], out]);
    return { x, w, g: tf.randomUniform([batch, out]), xT: tf.transpose(x), wT: tf.transpose(w) };
  });
  keep.push(...layers.flatMap((l) => [l.x, l.w, l.g, l.xT, l.wT]));
  const repeat = (body: (layer: (typeof layers)[number], index: number) => void) => () =>
    tf.tidy(() => {
      for (let p = 0; p < passes; p++) layers.forEach(body);
    });
  return {
    gemm: repeat(({ x, w, g, xT, wT }, l) => {
      tf.matMul(x, w).dataSync();
      if (!backward) return;
      tf.matMul(xT, g).dataSync();
      if (l > 0) tf.matMul(g, wT).dataSync();
    }),
    transposes: repeat(({ x, w }, l) => {
      if (!backward) return;
      tf.transpose(x).dataSync();
      if (l > 0) tf.transpose(w).dataSync();
    }),
  };
}

function timing(flops: number, parts: StepTiming['breakdown']): StepTiming {
  return {
    stepsPerSecond: 1000 / parts.step,
    msPerStep: parts.step,
    gflopPerStep: flops / 1e9,
    gflops: flops / 1e6 / parts.step,
    breakdown: parts,
    matmulGflops: flops / 1e6 / parts.matmul,
  };
}

function filledBuffer(batch: number, rng: Rng): ReplayBuffer {
  const buffer = new ReplayBuffer(batch * 2, OBS, ACTION);
  for (let i = 0; i < batch * 2; i++) {
    const obs = Float32Array.from({ length: OBS }, () => rng.next());
    const action = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    buffer.add(syntheticTransition(obs, action));
  }
  return buffer;
}

/** Times the actor's BC step and the proxy Q's AIM step at the given batch on the active backend. */
export function benchLearner(options: LearnerBenchOptions = {}): LearnerBenchResult {
  const batch = options.batch ?? 1024;
  const minMs = options.minMs ?? 3000;
  const minRuns = options.minRuns ?? 3;
  const rng = new Rng(1);
  const buffer = filledBuffer(batch, rng);
  const actor = createActor(OBS, ACTION, ACTOR.slice(1, -1), 1);
  const proxyQ = createProxyQ(OBS, ACTION, PROXY_Q.slice(1, -1), 2);
  const actorOptimizer = createAdam(1e-4);
  const qOptimizer = createAdam(1e-4);
  const measure = (run: () => void) => time(run, minMs, minRuns);
  const operands: tf.Tensor[] = [];

  const sample = buffer.gather(buffer.sampleIndices(batch, rng));
  const obs = tf.tensor2d(sample.obs, [batch, OBS]);
  const target = tf.tensor2d(sample.appliedAction, [batch, ACTION]);
  const uploadBatch = () =>
    tf.tidy(() => {
      const b = buffer.gather(buffer.sampleIndices(batch, rng));
      tf.tensor2d(b.obs, [batch, OBS]).dataSync();
      tf.tensor2d(b.appliedAction, [batch, ACTION]).dataSync();
    });

  const bcLoss = () => tf.mean(tf.square(tf.sub(target, actor.apply(obs) as tf.Tensor))) as tf.Scalar;
  const actorVars = trainableVariables(actor);
  const actorGrads = tf.variableGrads(bcLoss, actorVars).grads;
  const actorProducts = products(ACTOR, batch, 1, true, operands);
  const actorBc = timing(productFlops(ACTOR, batch, 1, true), {
    matmul: measure(actorProducts.gemm),
    transpose: measure(actorProducts.transposes),
    forward: measure(() => tf.tidy(() => bcLoss().dataSync())),
    step: measure(() => tf.tidy(() => actorOptimizer.minimize(bcLoss, true, actorVars)?.dataSync())),
    adam: measure(() => tf.tidy(() => actorOptimizer.applyGradients(actorGrads))),
    batch: measure(uploadBatch),
  });

  // The AIM step as the learner runs it: a_n = π(s) without gradient, Q_c on (s, a_h) and (s, a_n).
  const humanInput = tf.concat([obs, target], 1);
  const aimStepLoss = () => {
    const noviceAction = predictAll(actor, obs) as tf.Tensor2D;
    const mask = disagreementMask(target as tf.Tensor2D, noviceAction, 0.1);
    const noviceInput = tf.concat([obs, noviceAction], 1);
    return () => aimLoss(proxyQ.apply(humanInput) as tf.Tensor, proxyQ.apply(noviceInput) as tf.Tensor, mask);
  };
  const qVars = trainableVariables(proxyQ);
  const qGrads = tf.tidy(() => tf.variableGrads(aimStepLoss(), qVars).grads);
  const qFlops = productFlops(PROXY_Q, batch, 2, true) + productFlops(ACTOR, batch, 1, false);
  const qProducts = products(PROXY_Q, batch, 2, true, operands);
  const actorForward = products(ACTOR, batch, 1, false, operands);
  const proxyQStep = timing(qFlops, {
    matmul: measure(() => {
      qProducts.gemm();
      actorForward.gemm();
    }),
    transpose: measure(qProducts.transposes),
    forward: measure(() => tf.tidy(() => aimStepLoss()().dataSync())),
    step: measure(() => tf.tidy(() => qOptimizer.minimize(aimStepLoss(), true, qVars)?.dataSync())),
    adam: measure(() => tf.tidy(() => qOptimizer.applyGradients(qGrads))),
    batch: measure(uploadBatch),
  });

  tf.dispose([obs, target, humanInput, ...operands, ...Object.values(actorGrads), ...Object.values(qGrads)]);
  actor.dispose();
  proxyQ.dispose();
  actorOptimizer.dispose();
  qOptimizer.dispose();
  const backend = activeBackend();
  if (backend === null) throw new Error('benchLearner runs after selectBackend');
  const blas = backend === 'wasm-blas' ? blasInfo() : null;
  return { backend, ...(blas && { blas }), batch, actorBc, proxyQ: proxyQStep };
}
