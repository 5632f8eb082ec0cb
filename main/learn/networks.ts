// The networks of AIM, initialised as PyTorch initialises nn.Linear and nn.Conv2d so that learning
// speed matches the authors' code: weights and biases uniform in ±1/√fan_in.
import * as tf from '@tensorflow/tfjs';
import { Patches2x2 } from './patch-layers.ts';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear';

export interface MlpSpec {
  /** Layer widths from input to output, e.g. [259, 256, 256, 2]. */
  sizes: readonly number[];
  hidden: Activation;
  output: Activation;
  seed: number;
  name: string;
}

type PytorchInitializer = ReturnType<typeof tf.initializers.randomUniform>;

/** PyTorch's default initialisers for a layer with this fan-in (in_features, or in_channels·k·k). */
function pytorchInit(
  fanIn: number,
  seed: number,
): { kernelInitializer: PytorchInitializer; biasInitializer: PytorchInitializer } {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    // varianceScaling(1/3, fanIn, uniform) draws from ±√(3·(1/3)/fanIn) = ±1/√fanIn.
    kernelInitializer: tf.initializers.varianceScaling({
      scale: 1 / 3,
      mode: 'fanIn',
      distribution: 'uniform',
      seed,
    }),
    biasInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed + 1 }),
  };
}

/** A dense stack with PyTorch's default nn.Linear initialisation. */
export function createMlp(spec: MlpSpec): tf.Sequential {
  const model = tf.sequential({ name: spec.name });
  for (let i = 1; i < spec.sizes.length; i++) {
    const fanIn = spec.sizes[i - 1];
    const last = i === spec.sizes.length - 1;
    model.add(
      tf.layers.dense({
        units: spec.sizes[i],
        inputShape: i === 1 ? [fanIn] : undefined,
        activation: last ? spec.output : spec.hidden,
        ...pytorchInit(fanIn, spec.seed + 2 * i),
        name: `${spec.name}_dense${i}`,
      }),
    );
  }
  return model;
}

/** The weight shapes of a dense stack in TF.js order: kernel [in, out] then bias [out], layer by layer. */
export function mlpWeightShapes(sizes: readonly number[]): number[][] {
  return sizes.slice(1).flatMap((out, i) => [[sizes[i], out], [out]]);
}

/** Novice actor π(s): obs → hidden ReLU layers → tanh action in [−1, 1]. */
export function createActor(
  obsDim: number,
  actionDim: number,
  hidden: readonly number[],
  seed: number,
): tf.Sequential {
  return createMlp({
    sizes: [obsDim, ...hidden, actionDim],
    hidden: 'relu',
    output: 'tanh',
    seed,
    name: 'actor',
  });
}

/** Proxy Q_c(s, a): concat(obs, action) → hidden ReLU layers → one unbounded value. */
export function createProxyQ(
  obsDim: number,
  actionDim: number,
  hidden: readonly number[],
  seed: number,
): tf.Sequential {
  return createMlp({
    sizes: [obsDim + actionDim, ...hidden, 1],
    hidden: 'relu',
    output: 'linear',
    seed,
    name: 'proxy_q',
  });
}

/** MiniGrid's observation: 4 stacked frames of 3 codes over the 7×7 view (aim-algorithm.md §1.2). */
export const MINIGRID_OBS_SHAPE = [12, 7, 7] as const;
const [OBS_C, OBS_H, OBS_W] = MINIGRID_OBS_SHAPE;
const OBS_SIZE = OBS_C * OBS_H * OBS_W;
/** The first convolution's output grid (7 − 1) and the values of one 2×2 patch over all channels. */
const CONV1_SIZE = OBS_H - 1;
const PATCH = 4 * OBS_C;

export class ObservationShapeError extends Error {
  override name = 'ObservationShapeError';
}

/**
 * The network input for `count` stacked observations laid end to end (each channel-first 12×7×7,
 * raw MiniGrid codes): obs/255 as 2×2 patches, [count, 6, 6, 48] channels-last. The first
 * convolution is a dense layer over these patches. They are built here rather than in the graph
 * because TF.js's wasm backend has no Conv2D filter gradient, and slicing in the graph is slow.
 */
export function minigridPatches(obs: Float32Array, count: number): tf.Tensor4D {
  if (!Number.isInteger(count) || count < 1 || obs.length !== count * OBS_SIZE)
    throw new ObservationShapeError(
      `MinigridCNN takes stacked observations of ${OBS_C}×${OBS_H}×${OBS_W} = ${OBS_SIZE} values each; ` +
        `got ${obs.length} values for ${count} observation${count === 1 ? '' : 's'}`,
    );
  const out = new Float32Array(count * CONV1_SIZE * CONV1_SIZE * PATCH);
  let o = 0;
  for (let n = 0; n < count; n++) {
    const base = n * OBS_SIZE;
    for (let y = 0; y < CONV1_SIZE; y++) {
      for (let x = 0; x < CONV1_SIZE; x++) {
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const cell = base + (y + dy) * OBS_W + x + dx;
            for (let c = 0; c < OBS_C; c++) out[o++] = obs[cell + c * OBS_H * OBS_W] / 255;
          }
        }
      }
    }
  }
  return tf.tensor4d(out, [count, CONV1_SIZE, CONV1_SIZE, PATCH]);
}

/**
 * MinigridCNN with its Q head (aim-algorithm.md §1.2): obs/255 → Conv(12→16, 2) ReLU → MaxPool 2 →
 * Conv(16→32, 2) ReLU → Conv(32→64, 2) ReLU → Linear(64→64) Tanh → Linear(64→actions), taking
 * minigridPatches' input. Each convolution is a dense layer over 2×2 patches with the
 * convolution's fan-in (4·in_channels): the first over the precomputed ones, the second over
 * Patches2x2, and the third over the whole 2×2 map it sees, flattened. The weights' layout differs
 * from PyTorch's; the function and the initial distribution are the same.
 */
export function createMinigridCnn(actions: number, seed: number, name: string): tf.Sequential {
  const layers = [
    tf.layers.dense({
      units: 16,
      activation: 'relu',
      inputShape: [CONV1_SIZE, CONV1_SIZE, PATCH],
      ...pytorchInit(PATCH, seed + 2),
      name: `${name}_conv1`,
    }),
    tf.layers.maxPooling2d({ poolSize: 2, name: `${name}_pool` }),
    new Patches2x2({ name: `${name}_patches2` }),
    tf.layers.dense({
      units: 32,
      activation: 'relu',
      ...pytorchInit(4 * 16, seed + 4),
      name: `${name}_conv2`,
    }),
    tf.layers.flatten({ name: `${name}_flatten` }),
    tf.layers.dense({
      units: 64,
      activation: 'relu',
      ...pytorchInit(4 * 32, seed + 6),
      name: `${name}_conv3`,
    }),
    tf.layers.dense({ units: 64, activation: 'tanh', ...pytorchInit(64, seed + 8), name: `${name}_dense1` }),
    tf.layers.dense({ units: actions, ...pytorchInit(64, seed + 10), name: `${name}_dense2` }),
  ];
  return tf.sequential({ name, layers });
}

/** MinigridCNN's weight shapes in TF.js's order (kernel [in, out], bias [out]; convolutions over patches). */
export function minigridCnnWeightShapes(actions: number): number[][] {
  return [
    ...mlpWeightShapes([PATCH, 16]),
    ...mlpWeightShapes([4 * 16, 32]),
    ...mlpWeightShapes([4 * 32, 64, 64, actions]),
  ];
}

/**
 * MinigridCNN's forward pass as plain ops on the model's own weights: the same function as
 * `model.apply(patches)`, without the layers' per-call bookkeeping, which dominates a step of this
 * small network. The patches are minigridPatches' output.
 */
export function minigridCnnForward(model: tf.LayersModel, patches: tf.Tensor4D): tf.Tensor2D {
  const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = model.trainableWeights.map((w) => w.read() as tf.Tensor2D);
  const count = patches.shape[0];
  const conv1 = tf.fused.matMul({
    a: tf.reshape(patches, [count * CONV1_SIZE * CONV1_SIZE, PATCH]),
    b: w1,
    bias: b1,
    activation: 'relu',
  });
  const pooled = tf.maxPool(
    tf.reshape(conv1, [count, CONV1_SIZE, CONV1_SIZE, 16]) as tf.Tensor4D,
    2,
    2,
    'valid',
  );
  const view = (dy: number, dx: number) => tf.slice(pooled, [0, dy, dx, 0], [count, 2, 2, 16]);
  const patches2 = tf.concat([view(0, 0), view(0, 1), view(1, 0), view(1, 1)], 3);
  const conv2 = tf.fused.matMul({
    a: tf.reshape(patches2, [count * 4, 64]),
    b: w2,
    bias: b2,
    activation: 'relu',
  });
  const conv3 = tf.fused.matMul({ a: tf.reshape(conv2, [count, 128]), b: w3, bias: b3, activation: 'relu' });
  const hidden = tf.tanh(tf.fused.matMul({ a: conv3, b: w4, bias: b4 }));
  return tf.fused.matMul({ a: hidden, b: w5, bias: b5 }) as tf.Tensor2D;
}

/** Adam as PyTorch configures it (TF.js defaults ε to 1e-7; the reference code uses 1e-8). */
/**
 * The model's output for a whole batch in one call. LayersModel.predict cuts its input into batches
 * of 32 unless told otherwise and joins the pieces: on the proxy-Q step's 1,024 novice actions that
 * was 32 small products and 120–140 ms instead of one product and 14 ms.
 */
export function predictAll(model: tf.LayersModel, input: tf.Tensor): tf.Tensor {
  return model.predict(input, { batchSize: Math.max(1, input.shape[0] ?? 1) }) as tf.Tensor;
}

export function createAdam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/** Polyak averaging of a target network: θ̄ ← τ·θ + (1 − τ)·θ̄, weight by weight. */
export function polyakUpdate(online: tf.LayersModel, target: tf.LayersModel, tau: number): void {
  const source = trainableVariables(online);
  tf.tidy(() => {
    trainableVariables(target).forEach((variable, i) =>
      variable.assign(tf.add(tf.mul(source[i], tau), tf.mul(variable, 1 - tau))),
    );
  });
}
