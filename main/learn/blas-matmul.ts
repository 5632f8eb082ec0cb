// Native matrix products for TF.js's wasm backend (the `wasm-blas` backend of backend.ts). The wasm
// BatchMatMul reaches ~2 GFLOP/s on the learner's dense layers, and its matrix products are ~95% of
// a gradient step (results/issue-4/bench-learner-wasm.json); OpenBLAS's sgemm on the same CPU is
// an order of magnitude faster. These kernels replace the wasm backend's BatchMatMul and _FusedMatMul:
// they read the operands where the wasm backend keeps them (its heap, at each tensor's memoryOffset),
// let BLAS handle transposes in place, and write the product into an output allocated on that heap,
// so no tensor is copied. Everything else stays on the wasm kernels.
//
// Handed to the original kernels: non-float32 operands and mismatched inner dimensions (so the error
// is TF.js's own), and fused products with an activation other than linear/relu, with PReLU weights,
// or with a bias that is not one value per output column.
import * as tf from '@tensorflow/tfjs';
import {
  loadBlas,
  runGemm,
  type BlasBinding,
  type BlasInfo,
  type MatrixRef,
} from '../../native/blas-matmul/index.ts';

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The fields of tfjs-backend-wasm's BackendWasm used here (dist/backend_wasm.js). */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfoLike;
  disposeData(dataId: object): void;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

interface Product {
  a: TensorInfoLike;
  b: TensorInfoLike;
  transposeA: boolean;
  transposeB: boolean;
  bias: TensorInfoLike | null;
  activation: 'linear' | 'relu';
}

const FLOAT_BYTES = 4;

/** The element index inside the wasm heap where a tensor's values start. */
function heapIndex(backend: WasmBackend, tensor: TensorInfoLike): number {
  return backend.dataIdMap.get(tensor.dataId).memoryOffset / FLOAT_BYTES;
}

/**
 * For each member of the broadcast batch `outer`, the flat index of the member of `dims` it reads:
 * NumPy broadcasting, dimensions aligned from the right, a dimension of 1 repeating.
 */
function broadcastMembers(outer: number[], dims: number[]): number[] {
  const count = outer.reduce((p, d) => p * d, 1);
  const members = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let index = 0;
    let scale = 1;
    for (let d = 1; d <= outer.length; d++) {
      const position = rest % outer[outer.length - d];
      rest = Math.floor(rest / outer[outer.length - d]);
      const size = d <= dims.length ? dims[dims.length - d] : 1;
      if (size !== 1) index += position * scale;
      scale *= size;
    }
    members[i] = index;
  }
  return members;
}

/** The product on the heap, or null when it is one of the cases left to the original kernel. */
function multiply(blas: BlasBinding, backend: WasmBackend, p: Product): TensorInfoLike | null {
  const { a, b, transposeA, transposeB } = p;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== (transposeB ? b.shape[rb - 1] : b.shape[rb - 2])) return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const out = backend.makeOutput([...outer, m, n], 'float32');
  try {
    fill(blas, backend, p, { m, n, k, outerA, outerB, outer }, out);
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  }
  return out;
}

interface Shapes {
  m: number;
  n: number;
  k: number;
  outerA: number[];
  outerB: number[];
  /** The batch dimensions of the output: outerA and outerB broadcast. */
  outer: number[];
}

function fill(
  blas: BlasBinding,
  backend: WasmBackend,
  p: Product,
  shapes: Shapes,
  out: TensorInfoLike,
): void {
  const { a, b, transposeA, transposeB } = p;
  const { m, n, k, outerA, outerB, outer } = shapes;
  // Allocating the output may grow the wasm memory, which replaces its ArrayBuffer: view it after.
  const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
  const ref = (tensor: TensorInfoLike, stride: number): MatrixRef => ({
    array: heap,
    offset: heapIndex(backend, tensor),
    stride,
  });
  const gemm = {
    transposeA,
    transposeB,
    m,
    n,
    k,
    bias: p.bias === null ? null : { array: heap, offset: heapIndex(backend, p.bias) },
    activation: p.activation,
  };
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const batch = tf.util.sizeFromShape(outer);
  if ((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1)) {
    // Equal batches, or one operand shared by all: one call, a stride of 0 for the shared one.
    runGemm(blas, {
      ...gemm,
      batch,
      a: ref(a, batchA === 1 ? 0 : m * k),
      b: ref(b, batchB === 1 ? 0 : k * n),
      c: ref(out, m * n),
    });
  } else {
    // Both operands broadcast along different dimensions (e.g. [2, 1] with [1, 3]): member by member.
    const membersA = broadcastMembers(outer, outerA);
    const membersB = broadcastMembers(outer, outerB);
    for (let i = 0; i < batch; i++) {
      const member = (tensor: TensorInfoLike, index: number, size: number): MatrixRef => ({
        array: heap,
        offset: heapIndex(backend, tensor) + index * size,
        stride: 0,
      });
      runGemm(blas, {
        ...gemm,
        batch: 1,
        a: member(a, membersA[i], m * k),
        b: member(b, membersB[i], k * n),
        c: member(out, i, m * n),
      });
    }
  }
}

let installed = false;

/** Why the native products cannot be used here (the add-on's load error), or null when they can. */
export function blasUnavailable(): string | null {
  return loadBlas().error;
}

/** The OpenBLAS in use (kernel family, build, threads), for benchmark reports; null without the add-on. */
export function blasInfo(): BlasInfo | null {
  return loadBlas().binding?.info() ?? null;
}

/**
 * Puts the OpenBLAS kernels in place of the wasm backend's BatchMatMul and _FusedMatMul, keeping
 * the replaced ones for the cases above. The wasm backend must be registered (imported) first.
 */
export function installBlasMatMul(): void {
  if (installed) return;
  const blas = loadBlas().binding;
  if (blas === null) throw new Error(blasUnavailable() ?? 'the OpenBLAS add-on is not loaded');
  // One BLAS thread unless OPENBLAS_NUM_THREADS asks for more: the learner shares the CPU with the
  // session loop, and on a busy 2-core machine two OpenBLAS threads ran a 1024×259·259×256 product
  // 3–4× slower than one (they wait on each other while the other cores are taken).
  if (process.env.OPENBLAS_NUM_THREADS === undefined) blas.setThreads(1);
  const matMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  const fused = tf.getKernel(tf._FusedMatMul, 'wasm');
  if (!matMul || !fused)
    throw new Error('the wasm backend has no BatchMatMul or _FusedMatMul kernel to replace');
  const replace = (original: tf.KernelConfig, run: (args: KernelArgs) => TensorInfoLike | null) => {
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => (run(args) ?? original.kernelFunc(args)) as tf.TensorInfo,
    });
  };
  replace(matMul, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as unknown as { a: TensorInfoLike; b: TensorInfoLike };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    return multiply(blas, backend as unknown as WasmBackend, {
      a,
      b,
      transposeA,
      transposeB,
      bias: null,
      activation: 'linear',
    });
  });
  replace(fused, ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as unknown as Record<
      string,
      TensorInfoLike | undefined
    >;
    const { transposeA, transposeB, activation } = attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
    };
    if (!a || !b || preluActivationWeights) return null;
    if (activation !== 'linear' && activation !== 'relu') return null;
    const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== n || bias.dtype !== 'float32')) return null;
    return multiply(blas, backend as unknown as WasmBackend, {
      a,
      b,
      transposeA,
      transposeB,
      bias: bias ?? null,
      activation,
    });
  });
  installed = true;
}
