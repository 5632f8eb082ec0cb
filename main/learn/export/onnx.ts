// A policy network as an ONNX model (https://onnx.ai/onnx/repo-docs/IR.html), written message by
// message with the small protobuf writer beside this file rather than a protobuf library: the few
// messages a feed-forward policy needs are ModelProto → GraphProto → NodeProto / TensorProto /
// ValueInfoProto. Field numbers are onnx.proto's. The graph takes `obs` [batch, …] and returns
// `action` [batch, …]; the weights are initializers named as in model.safetensors.
//   input scale:   Mul(obs, scale)                          (only where the scale is not 1)
//   dense layer:   Gemm(x, W, b, transB = 1) = x Wᵀ + b   (W is [out, in], as nn.Linear keeps it)
//   convolution:   Conv(x, W, b), W [out, in, k, k], stride 1, no padding, over NCHW maps
//   pooling:       MaxPool(x, kernel_shape, strides);   flattening: Flatten(x, axis = 1)
//   activations:   Relu, Tanh (linear: none)
import { ProtoWriter } from './protobuf.ts';
import type { Activation, PolicyNetwork, WeightTensor } from './network.ts';

/** IR version 8 (ONNX 1.10) with opset 13: read by every ONNX runtime of the last years. */
const IR_VERSION = 8;
const OPSET = 13;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT
const ATTRIBUTE_INTS = 7; // AttributeProto.AttributeType.INTS

export const ONNX_INPUT = 'obs';
export const ONNX_OUTPUT = 'action';

export interface OnnxModelInfo {
  producerVersion: string;
  docString: string;
  /** Shown by model viewers and readable at run time (InferenceSession metadata). */
  metadata: Record<string, string>;
  /** The initializer names of each layer's weight and bias (the safetensors keys), by layer name. */
  tensorNames: (layer: string) => { weight: string; bias: string };
}

interface Node {
  opType: string;
  inputs: string[];
  output: string;
  ints?: Record<string, number | number[]>;
}

const ACTIVATION_OPS: Record<Activation, string | null> = { relu: 'Relu', tanh: 'Tanh', linear: null };

export function encodeOnnx(network: PolicyNetwork, info: OnnxModelInfo): Uint8Array {
  const nodes: Node[] = [];
  const initializers: Array<{ name: string; tensor: WeightTensor }> = [];
  let current = ONNX_INPUT;
  if (network.inputScale !== 1) {
    initializers.push({
      name: 'input_scale',
      tensor: { shape: [], values: Float32Array.of(network.inputScale) },
    });
    nodes.push({ opType: 'Mul', inputs: [current, 'input_scale'], output: 'obs_scaled' });
    current = 'obs_scaled';
  }
  network.layers.forEach((layer, i) => {
    switch (layer.kind) {
      case 'dense': {
        const { weight, bias } = info.tensorNames(layer.name);
        initializers.push({ name: weight, tensor: layer.weight }, { name: bias, tensor: layer.bias });
        nodes.push({
          opType: 'Gemm',
          inputs: [current, weight, bias],
          output: `${layer.name}_gemm`,
          ints: { transB: 1 },
        });
        break;
      }
      case 'conv2d': {
        const { weight, bias } = info.tensorNames(layer.name);
        initializers.push({ name: weight, tensor: layer.weight }, { name: bias, tensor: layer.bias });
        nodes.push({
          opType: 'Conv',
          inputs: [current, weight, bias],
          output: `${layer.name}_conv`,
          ints: { kernel_shape: [layer.kernel, layer.kernel] },
        });
        break;
      }
      case 'maxPool2d':
        nodes.push({
          opType: 'MaxPool',
          inputs: [current],
          output: `${layer.name}_pool`,
          ints: { kernel_shape: [layer.kernel, layer.kernel], strides: [layer.stride, layer.stride] },
        });
        break;
      case 'flatten':
        nodes.push({ opType: 'Flatten', inputs: [current], output: `${layer.name}_flat`, ints: { axis: 1 } });
        break;
    }
    current = nodes[nodes.length - 1].output;
    const op = ACTIVATION_OPS[layer.activation];
    if (op !== null)
      nodes.push({ opType: op, inputs: [current], output: `${layer.name}_${layer.activation}` });
    // The last node writes the graph's output under its public name.
    if (i === network.layers.length - 1) nodes[nodes.length - 1].output = ONNX_OUTPUT;
    current = nodes[nodes.length - 1].output;
  });

  const model = new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, 'AIM Workstation')
    .string(3, info.producerVersion)
    .string(6, info.docString)
    .message(7, (graph) => {
      nodes.forEach((node, i) => graph.message(1, (n) => writeNode(n, node, `${node.opType}_${i}`)));
      graph.string(2, network.name);
      for (const { name, tensor } of initializers) graph.message(5, (t) => writeTensor(t, name, tensor));
      graph.message(11, (v) => writeValueInfo(v, ONNX_INPUT, network.inputShape));
      graph.message(12, (v) => writeValueInfo(v, ONNX_OUTPUT, network.outputShape));
    })
    .message(8, (opset) => opset.string(1, '').int(2, OPSET));
  for (const [key, value] of Object.entries(info.metadata))
    model.message(14, (entry) => entry.string(1, key).string(2, value));
  return model.finish();
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
function writeNode(writer: ProtoWriter, node: Node, name: string): void {
  for (const input of node.inputs) writer.string(1, input);
  writer.string(2, node.output).string(3, name).string(4, node.opType);
  // AttributeProto: name 1, i 3, ints 8, type 20.
  for (const [key, value] of Object.entries(node.ints ?? {}))
    writer.message(5, (a) =>
      typeof value === 'number'
        ? a.string(1, key).int(3, value).int(20, ATTRIBUTE_INT)
        : a.string(1, key).packedInts(8, value).int(20, ATTRIBUTE_INTS),
    );
}

/** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian, as ONNX requires). */
function writeTensor(writer: ProtoWriter, name: string, tensor: WeightTensor): void {
  const raw = new Uint8Array(4 * tensor.values.length);
  const view = new DataView(raw.buffer);
  tensor.values.forEach((value, i) => view.setFloat32(4 * i, value, true));
  // A scalar has no dims at all.
  if (tensor.shape.length > 0) writer.packedInts(1, tensor.shape);
  writer.int(2, FLOAT).string(8, name).bytes(9, raw);
}

/**
 * ValueInfoProto (name 1, type 2) of a float tensor with a free batch dimension: TypeProto
 * tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 or dim_param 2.
 */
function writeValueInfo(writer: ProtoWriter, name: string, shape: readonly number[]): void {
  writer.string(1, name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, FLOAT).message(2, (s) => {
        s.message(1, (dim) => dim.string(2, 'batch'));
        for (const size of shape) s.message(1, (dim) => dim.int(1, size));
      }),
    ),
  );
}
