// The two networks of continuous AIM, initialised as PyTorch initialises nn.Linear so that learning
// speed matches the authors' code: weights and biases uniform in ±1/√fan_in.
import * as tf from '@tensorflow/tfjs';

export type Activation = 'relu' | 'tanh' | 'linear';

export interface MlpSpec {
  /** Layer widths from input to output, e.g. [259, 256, 256, 2]. */
  sizes: readonly number[];
  hidden: Activation;
  output: Activation;
  seed: number;
  name: string;
}

/** A dense stack with PyTorch's default nn.Linear initialisation. */
export function createMlp(spec: MlpSpec): tf.Sequential {
  const model = tf.sequential({ name: spec.name });
  for (let i = 1; i < spec.sizes.length; i++) {
    const fanIn = spec.sizes[i - 1];
    const bound = 1 / Math.sqrt(fanIn);
    const last = i === spec.sizes.length - 1;
    model.add(
      tf.layers.dense({
        units: spec.sizes[i],
        inputShape: i === 1 ? [fanIn] : undefined,
        activation: last ? spec.output : spec.hidden,
        // varianceScaling(1/3, fanIn, uniform) draws from ±√(3·(1/3)/fanIn) = ±1/√fanIn.
        kernelInitializer: tf.initializers.varianceScaling({
          scale: 1 / 3,
          mode: 'fanIn',
          distribution: 'uniform',
          seed: spec.seed + 2 * i,
        }),
        biasInitializer: tf.initializers.randomUniform({
          minval: -bound,
          maxval: bound,
          seed: spec.seed + 2 * i + 1,
        }),
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

/** Adam as PyTorch configures it (TF.js defaults ε to 1e-7; the reference code uses 1e-8). */
export function createAdam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}
