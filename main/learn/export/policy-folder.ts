// An exported policy folder, written and read back:
//   model.json + weights.bin   the TF.js LayersModel (tf.loadLayersModel reads it as is)
//   model.safetensors          the weights in PyTorch's layout, named as an nn.Sequential's state_dict
//   model.onnx                 the same network as an ONNX graph (Gemm/Relu/Tanh for an MLP)
//   arch.json                  layers, activations, observation and action specification with ranges,
//                              the environment, where the policy came from, and each file's size and
//                              SHA-256, so a reader can tell a missing, changed or foreign file by name
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../../store/codec.ts';
import type { PackedModel } from '../checkpoint.ts';
import {
  policyNetwork,
  torchSequential,
  type Conv2dLayer,
  type DenseLayer,
  type PolicyNetwork,
  type TorchSequential,
} from './network.ts';
import { encodeOnnx, ONNX_INPUT, ONNX_OUTPUT } from './onnx.ts';
import { decodeSafetensors, encodeSafetensors, type FloatTensor } from './safetensors.ts';

export const ARCH_FILE = 'arch.json';
export const MODEL_FILES = ['model.json', 'weights.bin', 'model.safetensors', 'model.onnx'] as const;
export type ModelFile = (typeof MODEL_FILES)[number];
export const POLICY_FORMAT = 'aim-workstation-policy';
export const POLICY_FORMAT_VERSION = 1;

export type ActionSpec =
  | { kind: 'box'; shape: number[]; low: number; high: number; names: string[]; description: string }
  | { kind: 'discrete'; n: number; names: string[]; description: string };

/** What the caller knows about the policy beyond its network: the spaces, the env, its origin. */
export interface PolicyDescription {
  observation: {
    shape: number[];
    dtype: 'float32';
    low: number;
    high: number;
    /** Named [begin, end) ranges of the flat observation. */
    layout: Record<string, [number, number]>;
    /** The network takes the observation times this (1, or 1/255 for MiniGrid's codes). */
    scale: number;
    description: string;
  };
  action: ActionSpec;
  env: { id: string; name: string; decisionHz: number; horizon: number; config: unknown };
  /** The session, checkpoint and evaluation the policy came from. */
  source: Record<string, unknown>;
  appVersion: string;
}

/** A layer as arch.json lists it; weight and bias name the safetensors tensors (and ONNX initializers). */
export type ArchLayer =
  | {
      name: string;
      type: 'linear';
      in: number;
      out: number;
      activation: string;
      weight: string;
      bias: string;
    }
  | {
      name: string;
      type: 'conv2d';
      in: number;
      out: number;
      kernel: number;
      activation: string;
      weight: string;
      bias: string;
    }
  | { name: string; type: 'maxpool2d'; kernel: number; stride: number }
  | { name: string; type: 'flatten' };

export interface PolicyArch extends Omit<PolicyDescription, 'appVersion'> {
  format: typeof POLICY_FORMAT;
  formatVersion: number;
  network: {
    name: string;
    input: string;
    output: string;
    layers: ArchLayer[];
    /** An equivalent PyTorch module; the safetensors load into it with load_state_dict. */
    pytorch: string;
    weightLayout: string;
  };
  exportedBy: string;
  exportedAt: string;
  files: Record<ModelFile, { bytes: number; sha256: string }>;
}

export class PolicyFolderError extends Error {
  override name = 'PolicyFolderError';
}

/** Writes the five files into `folder` (an empty folder); returns arch.json's contents. */
export function writePolicyFolder(
  folder: string,
  packed: PackedModel,
  description: PolicyDescription,
): PolicyArch {
  const { appVersion, observation, action, env, source } = description;
  const network = policyNetwork(packed, { observationShape: observation.shape, scale: observation.scale });
  const torch = torchSequential(network);
  const names = tensorNames(torch);
  const files = {} as PolicyArch['files'];
  const write = (name: ModelFile, bytes: Uint8Array) => {
    fs.writeFileSync(path.join(folder, name), bytes);
    files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
  };

  write('model.json', new TextEncoder().encode(`${JSON.stringify(tfjsModelJson(packed), null, 1)}\n`));
  write('weights.bin', new Uint8Array(packed.weightData));
  const tensors: FloatTensor[] = weighted(network).flatMap((layer) => [
    { name: names(layer.name).weight, shape: layer.weight.shape, values: layer.weight.values },
    { name: names(layer.name).bias, shape: layer.bias.shape, values: layer.bias.values },
  ]);
  write(
    'model.safetensors',
    encodeSafetensors(tensors, { format: 'pt', producer: `AIM Workstation ${appVersion}` }),
  );
  write(
    'model.onnx',
    encodeOnnx(network, {
      producerVersion: appVersion,
      docString: `AIM Workstation policy: ${ONNX_INPUT} [batch, ${network.inputShape}] → ${ONNX_OUTPUT} [batch, ${network.outputShape}]`,
      metadata: { env: env.id, source: JSON.stringify(source) },
      tensorNames: names,
    }),
  );
  const arch: PolicyArch = {
    format: POLICY_FORMAT,
    formatVersion: POLICY_FORMAT_VERSION,
    network: {
      name: network.name,
      input: ONNX_INPUT,
      output: ONNX_OUTPUT,
      layers: archLayers(network, torch),
      pytorch: `nn.Sequential(${torch.modules.join(', ')})`,
      weightLayout:
        "PyTorch's: linear weight [out, in] (x·weightᵀ + bias), conv2d weight [out, in, kh, kw] over channel-first maps; float32 little-endian",
    },
    observation,
    action,
    env,
    source,
    exportedBy: `AIM Workstation ${appVersion}`,
    exportedAt: new Date().toISOString(),
    files,
  };
  fs.writeFileSync(path.join(folder, ARCH_FILE), `${JSON.stringify(arch, null, 2)}\n`);
  return arch;
}

/** The safetensors names of a layer's weight and bias: its nn.Sequential index, as a state_dict has them. */
function tensorNames(torch: TorchSequential): (layer: string) => { weight: string; bias: string } {
  return (layer) => {
    const prefix = torch.prefixes.get(layer) as string;
    return { weight: `${prefix}.weight`, bias: `${prefix}.bias` };
  };
}

function weighted(network: PolicyNetwork): Array<DenseLayer | Conv2dLayer> {
  return network.layers.filter(
    (l): l is DenseLayer | Conv2dLayer => l.kind === 'dense' || l.kind === 'conv2d',
  );
}

function archLayers(network: PolicyNetwork, torch: TorchSequential): ArchLayer[] {
  const names = tensorNames(torch);
  return network.layers.map((layer): ArchLayer => {
    const { name, kind } = layer;
    switch (kind) {
      case 'dense':
        return {
          name,
          type: 'linear',
          in: layer.inputs,
          out: layer.units,
          activation: layer.activation,
          ...names(name),
        };
      case 'conv2d':
        return {
          name,
          type: 'conv2d',
          in: layer.inChannels,
          out: layer.outChannels,
          kernel: layer.kernel,
          activation: layer.activation,
          ...names(name),
        };
      case 'maxPool2d':
        return { name, type: 'maxpool2d', kernel: layer.kernel, stride: layer.stride };
      case 'flatten':
        return { name, type: 'flatten' };
    }
  });
}

/** TF.js's model.json for a LayersModel whose weights are one file beside it. */
function tfjsModelJson(packed: PackedModel): object {
  return {
    format: 'layers-model',
    generatedBy: 'AIM Workstation (TensorFlow.js layers)',
    convertedBy: null,
    modelTopology: packed.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: packed.weightSpecs }],
  };
}

export interface LoadedPolicy {
  folder: string;
  arch: PolicyArch;
  /** The TF.js model, as the learner and the evaluator load it. */
  model: PackedModel;
  network: PolicyNetwork;
}

/**
 * Reads an exported policy folder and checks every file: present, the size and SHA-256 arch.json
 * recorded, and consistent with each other. Throws a PolicyFolderError naming the file at fault.
 */
export function readPolicyFolder(folder: string): LoadedPolicy {
  const dir = path.resolve(folder);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new PolicyFolderError(`The policy folder ${dir} does not exist`);
  if (!stat.isDirectory())
    throw new PolicyFolderError(`${dir} is not a folder; give an exported policy's folder`);
  const at = (name: string) => path.join(dir, name);
  const read = (name: string): Buffer => {
    if (!fs.existsSync(at(name)))
      throw new PolicyFolderError(
        `${name} is missing from ${dir}; an exported policy folder holds ${[ARCH_FILE, ...MODEL_FILES].join(', ')}`,
      );
    return fs.readFileSync(at(name));
  };
  const arch = parseArch(read(ARCH_FILE), at(ARCH_FILE));
  const bytes = {} as Record<ModelFile, Buffer>;
  for (const name of MODEL_FILES) {
    bytes[name] = read(name);
    const expected = arch.files[name];
    const actual = { bytes: bytes[name].length, sha256: sha256(bytes[name]) };
    if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256)
      throw new PolicyFolderError(
        `${at(name)} does not match ${ARCH_FILE} (${actual.bytes} bytes with SHA-256 ${actual.sha256.slice(0, 12)}…, expected ${expected.bytes} bytes with ${expected.sha256.slice(0, 12)}…): it was changed or comes from another export`,
      );
  }
  const model = parseModelJson(bytes['model.json'], bytes['weights.bin'], at('model.json'));
  let network: PolicyNetwork;
  try {
    network = policyNetwork(model, {
      observationShape: arch.observation.shape,
      scale: arch.observation.scale ?? 1,
    });
  } catch (error) {
    throw new PolicyFolderError(`${at('model.json')} holds no exportable policy (${messageOf(error)})`);
  }
  checkLayers(arch, network, at(ARCH_FILE));
  checkSafetensors(bytes['model.safetensors'], arch, network, at('model.safetensors'));
  return { folder: dir, arch, model, network };
}

function parseArch(bytes: Buffer, file: string): PolicyArch {
  let arch: Partial<PolicyArch>;
  try {
    arch = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new PolicyFolderError(`${file} is not JSON (${messageOf(error)})`);
  }
  if (arch?.format !== POLICY_FORMAT)
    throw new PolicyFolderError(
      `${file} does not describe an AIM Workstation policy (format ${String(arch?.format)})`,
    );
  if (arch.formatVersion !== POLICY_FORMAT_VERSION)
    throw new PolicyFolderError(
      `${file} is format version ${String(arch.formatVersion)}; this build reads version ${POLICY_FORMAT_VERSION}`,
    );
  const files = arch.files as Record<string, { bytes?: unknown; sha256?: unknown }> | undefined;
  for (const name of MODEL_FILES)
    if (typeof files?.[name]?.bytes !== 'number' || typeof files[name].sha256 !== 'string')
      throw new PolicyFolderError(`${file} records no size and SHA-256 for ${name}`);
  if (!arch.observation || !arch.action || !arch.env || !Array.isArray(arch.network?.layers))
    throw new PolicyFolderError(`${file} lacks the network, observation, action or environment description`);
  return arch as PolicyArch;
}

function parseModelJson(json: Buffer, weights: Buffer, file: string): PackedModel {
  let parsed: {
    modelTopology?: object;
    weightsManifest?: Array<{ paths?: string[]; weights?: PackedModel['weightSpecs'] }>;
  };
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new PolicyFolderError(`${file} is not JSON (${messageOf(error)})`);
  }
  const manifest = parsed.weightsManifest;
  if (typeof parsed.modelTopology !== 'object' || !Array.isArray(manifest) || manifest.length !== 1)
    throw new PolicyFolderError(`${file} is not a TF.js LayersModel with one weights file`);
  if (`${manifest[0].paths}` !== 'weights.bin' || !Array.isArray(manifest[0].weights))
    throw new PolicyFolderError(`${file} does not name weights.bin as its weights`);
  return {
    modelTopology: parsed.modelTopology,
    weightSpecs: manifest[0].weights,
    weightData: weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer,
  };
}

function checkLayers(arch: PolicyArch, network: PolicyNetwork, file: string): void {
  const described = arch.network.layers.map((l) => JSON.stringify(l));
  const actual = archLayers(network, torchSequential(network)).map((l) => JSON.stringify(l));
  if (`${described}` !== `${actual}`)
    throw new PolicyFolderError(
      `${file} describes layers ${described.join(', ')}, but model.json holds ${actual.join(', ')}`,
    );
  const inputs = network.inputShape.reduce((a, b) => a * b, 1);
  const outputs = network.outputShape.reduce((a, b) => a * b, 1);
  const obs = arch.observation.shape.reduce((a, b) => a * b, 1);
  const actions = arch.action.kind === 'box' ? arch.action.shape.reduce((a, b) => a * b, 1) : arch.action.n;
  if (inputs !== obs || outputs !== actions)
    throw new PolicyFolderError(
      `${file} describes ${obs} observation and ${actions} action values, but the network maps ${inputs} to ${outputs}`,
    );
}

/** The safetensors must hold exactly the network's weights, bit for bit. */
function checkSafetensors(bytes: Buffer, arch: PolicyArch, network: PolicyNetwork, file: string): void {
  let contents: ReturnType<typeof decodeSafetensors>;
  try {
    contents = decodeSafetensors(bytes);
  } catch (error) {
    throw new PolicyFolderError(`${file} is not a safetensors file: ${messageOf(error)}`);
  }
  const layers = weighted(network);
  const tensorName = tensorNames(torchSequential(network));
  layers.forEach((layer) => {
    const names = tensorName(layer.name);
    for (const [name, tensor] of [
      [names.weight, layer.weight],
      [names.bias, layer.bias],
    ] as const) {
      const stored = contents.tensors.get(name);
      const expected = new Uint8Array(
        tensor.values.buffer,
        tensor.values.byteOffset,
        tensor.values.byteLength,
      );
      if (!stored || `${stored.shape}` !== `${tensor.shape}` || Buffer.compare(stored.bytes, expected) !== 0)
        throw new PolicyFolderError(
          `${file} does not hold model.json's weights for ${name} (layer ${layer.name})`,
        );
    }
  });
  if (contents.tensors.size !== 2 * layers.length)
    throw new PolicyFolderError(`${file} holds tensors that belong to no layer of model.json`);
}

function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
