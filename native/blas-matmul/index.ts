// Matrix products through OpenBLAS (the add-on in src/), and the loader the TF.js kernels use
// (main/learn/blas-matmul.ts). Importing this file never loads the add-on: loadBlas() requires it on
// first use and reports why it could not, so machines without OpenBLAS run everything else on wasm.
import { loadAddon, type AddonLoad } from '../load-addon.ts';

/** What the compiled add-on exports (src/blas_matmul.cc). */
export interface BlasBinding {
  /** See runGemm for the meaning; positional because it runs once per matrix product. */
  sgemm(
    transposeA: boolean,
    transposeB: boolean,
    m: number,
    n: number,
    k: number,
    batch: number,
    a: Float32Array,
    aOffset: number,
    aStride: number,
    b: Float32Array,
    bOffset: number,
    bStride: number,
    c: Float32Array,
    cOffset: number,
    cStride: number,
    bias: Float32Array | null,
    biasOffset: number,
    activation: number,
  ): void;
  /** OpenBLAS's thread count for the whole process (every worker thread shares it). */
  setThreads(threads: number): void;
  info(): BlasInfo;
}

export interface BlasInfo {
  /** OpenBLAS's kernel family chosen for this CPU, e.g. 'Zen', 'Haswell'. */
  corename: string;
  config: string;
  threads: number;
}

export type BlasLoad = AddonLoad<BlasBinding>;

/** A matrix (or a batch of them, `stride` elements apart) inside a Float32Array, from `offset`. */
export interface MatrixRef {
  array: Float32Array;
  offset: number;
  /** Elements between batch members; 0 reuses one matrix for every member (broadcast). */
  stride: number;
}

/** C_i = act(op(A_i)·op(B_i) + bias) for i < batch, row-major; op transposes when asked. */
export interface Gemm {
  transposeA: boolean;
  transposeB: boolean;
  /** op(A) is m×k, op(B) is k×n, C is m×n. */
  m: number;
  n: number;
  k: number;
  batch: number;
  a: MatrixRef;
  b: MatrixRef;
  c: MatrixRef;
  /** n values added to every row of C, or null. */
  bias: { array: Float32Array; offset: number } | null;
  activation: 'linear' | 'relu';
}

const ACTIVATIONS = { linear: 0, relu: 1 } as const;

export function runGemm(binding: BlasBinding, g: Gemm): void {
  binding.sgemm(
    g.transposeA,
    g.transposeB,
    g.m,
    g.n,
    g.k,
    g.batch,
    g.a.array,
    g.a.offset,
    g.a.stride,
    g.b.array,
    g.b.offset,
    g.b.stride,
    g.c.array,
    g.c.offset,
    g.c.stride,
    g.bias?.array ?? null,
    g.bias?.offset ?? 0,
    ACTIVATIONS[g.activation],
  );
}

const FUNCTIONS = ['sgemm', 'setThreads', 'info'] as const;

let loaded: BlasLoad | undefined;

/**
 * Where the add-on may be: the optional dependency `aim-blas-matmul` (node_modules, which also resolves
 * from the bundles in dist/electron/), else the build beside this file, else that build seen from
 * dist/electron/ (a checkout where it was built by hand, not linked into node_modules by npm install).
 */
const CANDIDATES = [
  'aim-blas-matmul',
  './build/Release/blas_matmul.node',
  '../../native/blas-matmul/build/Release/blas_matmul.node',
];

/** Loads the add-on once, from the first of CANDIDATES that loads. */
export function loadBlas(): BlasLoad {
  if (loaded !== undefined) return loaded;
  const load = loadAddon<BlasBinding>(import.meta.url, CANDIDATES, FUNCTIONS, 'blas-matmul');
  loaded =
    load.binding !== null
      ? load
      : { binding: null, error: `the OpenBLAS add-on is not built or cannot load (${load.error})` };
  return loaded;
}
