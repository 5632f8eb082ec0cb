// A policy network as the exporters see it: a chain of layers read off a checkpoint's TF.js
// topology and weights, with every weight already in the layout PyTorch uses (nn.Linear's weight is
// [out, in]; TF.js keeps kernels as [in, out]). Each exporter (ONNX, safetensors + arch.json) walks
// this one list, so a new kind of layer (the grid policy's convolutions) is added here and in the
// exporters' switches; a kind they do not know is refused in one sentence, never exported wrong.
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

export type NetworkLayer = DenseLayer;

export interface PolicyNetwork {
  /** The TF.js model's name ('actor'). */
  name: string;
  /** One observation's shape (the batch dimension left out). */
  inputShape: number[];
  /** One action's shape. */
  outputShape: number[];
  layers: NetworkLayer[];
}

export class NetworkExportError extends Error {
  override name = 'NetworkExportError';
}

const ACTIVATIONS: readonly string[] = ['relu', 'tanh', 'linear'] satisfies Activation[];

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** Reads the layer chain and weights of a TF.js Sequential model's artifacts. */
export function policyNetwork(packed: PackedModel): PolicyNetwork {
  const topology = packed.modelTopology as {
    class_name?: string;
    config?: { name?: string; layers?: LayerJson[] };
  };
  if (topology.class_name !== 'Sequential' || !Array.isArray(topology.config?.layers))
    throw new NetworkExportError(
      `only Sequential models can be exported; this one is ${String(topology.class_name)}`,
    );
  const weights = weightsByName(packed);
  const layers: NetworkLayer[] = [];
  let shape: number[] | null = null;
  for (const layer of topology.config.layers) {
    const name = String(layer.config.name);
    if (shape === null) shape = inputShapeOf(layer);
    switch (layer.class_name) {
      case 'Dense': {
        const dense = denseLayer(layer, shape, weights);
        layers.push(dense);
        shape = [dense.units];
        break;
      }
      default:
        throw new NetworkExportError(
          `layer ${name} is a ${layer.class_name}, which the exporter does not know`,
        );
    }
  }
  if (shape === null || layers.length === 0) throw new NetworkExportError('the model has no layers');
  const used = new Set(layers.flatMap((l) => [`${l.name}/kernel`, `${l.name}/bias`]));
  const unused = [...weights.keys()].filter((key) => !used.has(key));
  if (unused.length > 0)
    throw new NetworkExportError(`weights ${unused.join(', ')} belong to no exported layer`);
  return {
    name: String(topology.config.name ?? 'policy'),
    inputShape: inputShapeOf(topology.config.layers[0]),
    outputShape: shape,
    layers,
  };
}

function inputShapeOf(layer: LayerJson): number[] {
  const batchShape = layer.config.batch_input_shape;
  if (!Array.isArray(batchShape) || batchShape.slice(1).some((d) => !Number.isInteger(d)))
    throw new NetworkExportError(`the first layer (${String(layer.config.name)}) has no fixed input shape`);
  return batchShape.slice(1) as number[];
}

function denseLayer(layer: LayerJson, shape: number[], weights: Map<string, WeightTensor>): DenseLayer {
  const name = String(layer.config.name);
  const activation = String(layer.config.activation);
  if (!ACTIVATIONS.includes(activation))
    throw new NetworkExportError(
      `layer ${name} uses activation ${activation}, which the exporter does not know`,
    );
  if (shape.length !== 1)
    throw new NetworkExportError(
      `layer ${name} takes input of shape [${shape}]; a dense layer needs a vector`,
    );
  if (layer.config.use_bias !== true) throw new NetworkExportError(`layer ${name} has no bias`);
  const kernel = weight(weights, `${name}/kernel`, [shape[0], Number(layer.config.units)]);
  const bias = weight(weights, `${name}/bias`, [Number(layer.config.units)]);
  const [inputs, units] = kernel.shape;
  return {
    kind: 'dense',
    name,
    inputs,
    units,
    activation: activation as Activation,
    weight: { shape: [units, inputs], values: transpose(kernel.values, inputs, units) },
    bias,
  };
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
    }
    const activation = TORCH_ACTIVATIONS[layer.activation];
    if (activation !== null) modules.push(activation);
  }
  return { modules, prefixes };
}
