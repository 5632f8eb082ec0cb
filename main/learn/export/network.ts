// A policy network as the exporters see it: a chain of layers read off a checkpoint's TF.js
// topology and weights, with every weight already in the layout PyTorch uses (nn.Linear's weight is
// [out, in] where TF.js keeps [in, out]; nn.Conv2d's is [out, in, kh, kw] over channel-first maps).
// Each exporter (ONNX, safetensors + arch.json) walks this one list, so a new kind of layer is added
// here and in the exporters' switches; a kind they do not know is refused in one sentence, never
// exported wrong.
import type { PackedModel } from '../checkpoint.ts';

export type Activation = 'relu' | 'tanh' | 'linear';

export interface WeightTensor {
  /** Row-major shape. */
  shape: number[];
  values: Float32Array;
}

export interface DenseLayer {
  kind: 'dense';
  /** The TF.js layer's name. */
  name: string;
  inputs: number;
  units: number;
  activation: Activation;
  /** [units, inputs]: y = x Wᵀ + b, as nn.Linear and ONNX Gemm with transB = 1. */
  weight: WeightTensor;
  bias: WeightTensor;
}

/** A square convolution, stride 1, no padding, over channel-first maps (as nn.Conv2d and ONNX Conv). */
export interface Conv2dLayer {
  kind: 'conv2d';
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  activation: Activation;
  /** [out, in, kernel, kernel]. */
  weight: WeightTensor;
  bias: WeightTensor;
}

export interface MaxPool2dLayer {
  kind: 'maxPool2d';
  name: string;
  kernel: number;
  stride: number;
  activation: 'linear';
}

/** A channel-first map [c, h, w] flattened in that order, as nn.Flatten and ONNX Flatten do. */
export interface FlattenLayer {
  kind: 'flatten';
  name: string;
  activation: 'linear';
}

export type NetworkLayer = DenseLayer | Conv2dLayer | MaxPool2dLayer | FlattenLayer;

export interface PolicyNetwork {
  /** The TF.js model's name ('actor'). */
  name: string;
  /** One observation's shape as the environment gives it (the batch dimension left out). */
  inputShape: number[];
  /** The layers take the observation times this (MiniGrid's codes are divided by 255). */
  inputScale: number;
  /** One output's shape (an action, or one value per discrete action). */
  outputShape: number[];
  layers: NetworkLayer[];
}

/** How the environment's observation reaches the TF.js model's input. */
export interface NetworkInput {
  observationShape: readonly number[];
  scale: number;
}

export class NetworkExportError extends Error {
  override name = 'NetworkExportError';
}

const ACTIVATIONS: readonly string[] = ['relu', 'tanh', 'linear'] satisfies Activation[];

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/**
 * What flows between layers. TF.js keeps maps channels-last; the exported network keeps them
 * channel-first as ONNX and PyTorch do, so each TF.js layer is translated for the map it sees:
 *   patches   a map whose every 2×2 neighbourhood is stacked on the channel axis ([h−1, w−1, 4c] in
 *             TF.js, row-major over the neighbourhood, then channel): a dense layer on it is a 2×2
 *             convolution of the map (how the grid policy trains without Conv2D gradients)
 *   hwcFlat   a map flattened in TF.js's (h, w, c) order: the dense layer after it reads its columns
 *             in the exported (c, h, w) order instead
 */
type Flow =
  | { kind: 'vector'; size: number }
  | { kind: 'map' | 'patches' | 'hwcFlat'; channels: number; height: number; width: number };

/**
 * Reads the layer chain and weights of a TF.js Sequential model's artifacts. `input` says how the
 * environment's observation becomes the model's input: as it is (an MLP), or scaled and cut into
 * 2×2 patches (the grid CNN). By default the observation is the model's input.
 */
export function policyNetwork(packed: PackedModel, input?: NetworkInput): PolicyNetwork {
  const topology = packed.modelTopology as {
    class_name?: string;
    config?: { name?: string; layers?: LayerJson[] };
  };
  if (topology.class_name !== 'Sequential' || !Array.isArray(topology.config?.layers))
    throw new NetworkExportError(
      `only Sequential models can be exported; this one is ${String(topology.class_name)}`,
    );
  const specs = topology.config.layers;
  if (specs.length === 0) throw new NetworkExportError('the model has no layers');
  const modelInput = inputShapeOf(specs[0]);
  const observation = [...(input?.observationShape ?? modelInput)];
  const weights = weightsByName(packed);
  const layers: NetworkLayer[] = [];
  let flow = inputFlow(modelInput, observation);
  for (const layer of specs) {
    const name = String(layer.config.name);
    const activation = String(layer.config.activation ?? 'linear');
    if (!ACTIVATIONS.includes(activation))
      throw new NetworkExportError(
        `layer ${name} uses activation ${activation}, which the exporter does not know`,
      );
    switch (layer.class_name) {
      case 'Dense': {
        const units = Number(layer.config.units);
        if (layer.config.use_bias !== true) throw new NetworkExportError(`layer ${name} has no bias`);
        const bias = weight(weights, `${name}/bias`, [units]);
        const translated = denseLayer(name, activation as Activation, flow, weights, bias);
        layers.push(translated);
        flow =
          translated.kind === 'conv2d' && flow.kind === 'patches'
            ? { kind: 'map', channels: units, height: flow.height - 1, width: flow.width - 1 }
            : { kind: 'vector', size: units };
        break;
      }
      case 'MaxPooling2D': {
        const [pool, stride] = [layer.config.pool_size, layer.config.strides].map((v) =>
          Array.isArray(v) ? v : [v, v],
        );
        if (
          flow.kind !== 'map' ||
          pool[0] !== pool[1] ||
          stride[0] !== stride[1] ||
          layer.config.padding !== 'valid' ||
          layer.config.data_format !== 'channels_last'
        )
          throw new NetworkExportError(
            `layer ${name} is a pooling the exporter does not know (square, valid, over a map)`,
          );
        const [kernel, step] = [Number(pool[0]), Number(stride[0])];
        layers.push({ kind: 'maxPool2d', name, kernel, stride: step, activation: 'linear' });
        const out = (size: number) => Math.floor((size - kernel) / step) + 1;
        flow = { ...flow, height: out(flow.height), width: out(flow.width) };
        break;
      }
      case 'Patches2x2':
        if (flow.kind !== 'map') throw new NetworkExportError(`layer ${name} needs a map as its input`);
        flow = { ...flow, kind: 'patches' };
        break;
      case 'Flatten':
        if (flow.kind === 'map') {
          layers.push({ kind: 'flatten', name, activation: 'linear' });
          flow = { ...flow, kind: 'hwcFlat' };
        } else if (flow.kind !== 'vector')
          throw new NetworkExportError(`layer ${name} flattens what it cannot`);
        break;
      default:
        throw new NetworkExportError(
          `layer ${name} is a ${layer.class_name}, which the exporter does not know`,
        );
    }
  }
  if (flow.kind !== 'vector') throw new NetworkExportError('the model does not end in a vector');
  const used = new Set(
    layers
      .filter((l) => l.kind === 'dense' || l.kind === 'conv2d')
      .flatMap((l) => [`${l.name}/kernel`, `${l.name}/bias`]),
  );
  const unused = [...weights.keys()].filter((key) => !used.has(key));
  if (unused.length > 0)
    throw new NetworkExportError(`weights ${unused.join(', ')} belong to no exported layer`);
  return {
    name: String(topology.config.name ?? 'policy'),
    inputShape: observation,
    inputScale: input?.scale ?? 1,
    outputShape: [flow.size],
    layers,
  };
}

/** The observation as it enters the first layer: the same values, or its 2×2 patches. */
function inputFlow(modelInput: number[], observation: number[]): Flow {
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  if (modelInput.length === 1 && observation.length === 1 && modelInput[0] === observation[0])
    return { kind: 'vector', size: modelInput[0] };
  if (modelInput.length === 3 && observation.length === 3) {
    const [channels, height, width] = observation;
    if (`${modelInput}` === `${[height - 1, width - 1, 4 * channels]}`)
      return { kind: 'patches', channels, height, width };
  }
  if (`${modelInput}` === `${observation}`)
    throw new NetworkExportError(
      `the model takes the observation [${observation}] as a map; only vectors and 2×2 patches of a channel-first observation export`,
    );
  throw new NetworkExportError(
    `the model takes [${modelInput}] (${size(modelInput)} values), which is neither the observation [${observation}] nor its 2×2 patches`,
  );
}

function inputShapeOf(layer: LayerJson): number[] {
  const batchShape = layer.config.batch_input_shape;
  if (!Array.isArray(batchShape) || batchShape.slice(1).some((d) => !Number.isInteger(d)))
    throw new NetworkExportError(`the first layer (${String(layer.config.name)}) has no fixed input shape`);
  return batchShape.slice(1) as number[];
}

/** A TF.js dense layer as the exported layer it amounts to on the flow it sees. */
function denseLayer(
  name: string,
  activation: Activation,
  flow: Flow,
  weights: Map<string, WeightTensor>,
  bias: WeightTensor,
): DenseLayer | Conv2dLayer {
  const units = bias.shape[0];
  switch (flow.kind) {
    case 'vector': {
      const kernel = weight(weights, `${name}/kernel`, [flow.size, units]);
      const values = transpose(kernel.values, flow.size, units);
      return dense(name, activation, flow.size, units, values, bias);
    }
    case 'hwcFlat': {
      // Row (y·w + x)·c + ch of the TF.js kernel is column ch·h·w + y·w + x of the exported weight.
      const { channels: c, height: h, width: w } = flow;
      const kernel = weight(weights, `${name}/kernel`, [h * w * c, units]);
      const values = new Float32Array(units * h * w * c);
      for (let o = 0; o < units; o++)
        for (let ch = 0; ch < c; ch++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
              values[o * h * w * c + ch * h * w + y * w + x] =
                kernel.values[((y * w + x) * c + ch) * units + o];
      return dense(name, activation, h * w * c, units, values, bias);
    }
    case 'patches': {
      // Row (dy·2 + dx)·c + ch of the TF.js kernel is weight [o, ch, dy, dx] of the 2×2 convolution.
      const c = flow.channels;
      const kernel = weight(weights, `${name}/kernel`, [4 * c, units]);
      const values = new Float32Array(units * c * 4);
      for (let o = 0; o < units; o++)
        for (let ch = 0; ch < c; ch++)
          for (let d = 0; d < 4; d++) values[(o * c + ch) * 4 + d] = kernel.values[(d * c + ch) * units + o];
      return {
        kind: 'conv2d',
        name,
        inChannels: c,
        outChannels: units,
        kernel: 2,
        activation,
        weight: { shape: [units, c, 2, 2], values },
        bias,
      };
    }
    case 'map':
      throw new NetworkExportError(
        `layer ${name} is a dense layer over a map, which the exporter does not know`,
      );
  }
}

function dense(
  name: string,
  activation: Activation,
  inputs: number,
  units: number,
  values: Float32Array,
  bias: WeightTensor,
): DenseLayer {
  return { kind: 'dense', name, inputs, units, activation, weight: { shape: [units, inputs], values }, bias };
}

function weight(weights: Map<string, WeightTensor>, name: string, shape: number[]): WeightTensor {
  const found = weights.get(name);
  if (!found) throw new NetworkExportError(`the weights lack ${name}`);
  if (`${found.shape}` !== `${shape}`)
    throw new NetworkExportError(`${name} has shape [${found.shape}], but its layer needs [${shape}]`);
  return found;
}

function weightsByName(packed: PackedModel): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  let offset = 0;
  for (const spec of packed.weightSpecs) {
    if (spec.dtype !== 'float32')
      throw new NetworkExportError(`weight ${spec.name} is ${spec.dtype}, not float32`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * size > packed.weightData.byteLength)
      throw new NetworkExportError(`the weight data ends inside ${spec.name}`);
    // A copy: the weight bytes need not be 4-byte aligned in the buffer they came in.
    const values = new Float32Array(packed.weightData.slice(offset, offset + 4 * size));
    out.set(spec.name, { shape: [...spec.shape], values });
    offset += 4 * size;
  }
  if (offset !== packed.weightData.byteLength)
    throw new NetworkExportError(
      `the weight data holds ${packed.weightData.byteLength} bytes; the manifest describes ${offset}`,
    );
  return out;
}

/** A [rows, cols] row-major matrix as [cols, rows]. */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

export interface TorchSequential {
  /** Each module of an equivalent nn.Sequential, as Python: 'nn.Linear(259, 256)', 'nn.ReLU()'. */
  modules: string[];
  /** The state_dict prefix of each layer with weights ('0' for '0.weight', '0.bias'), by layer name. */
  prefixes: Map<string, string>;
}

const TORCH_ACTIVATIONS: Record<Activation, string | null> = {
  relu: 'nn.ReLU()',
  tanh: 'nn.Tanh()',
  linear: null,
};

/**
 * The same network as a PyTorch nn.Sequential, so the exported safetensors load with
 * `model.load_state_dict(safetensors.torch.load_file(...))` into the module arch.json spells out.
 */
export function torchSequential(network: PolicyNetwork): TorchSequential {
  const modules: string[] = [];
  const prefixes = new Map<string, string>();
  for (const layer of network.layers) {
    switch (layer.kind) {
      case 'dense':
        prefixes.set(layer.name, String(modules.length));
        modules.push(`nn.Linear(${layer.inputs}, ${layer.units})`);
        break;
      case 'conv2d':
        prefixes.set(layer.name, String(modules.length));
        modules.push(`nn.Conv2d(${layer.inChannels}, ${layer.outChannels}, ${layer.kernel})`);
        break;
      case 'maxPool2d':
        modules.push(
          layer.stride === layer.kernel
            ? `nn.MaxPool2d(${layer.kernel})`
            : `nn.MaxPool2d(${layer.kernel}, ${layer.stride})`,
        );
        break;
      case 'flatten':
        modules.push('nn.Flatten()');
        break;
    }
    const activation = TORCH_ACTIVATIONS[layer.activation];
    if (activation !== null) modules.push(activation);
  }
  return { modules, prefixes };
}
