// TF.js's wasm BatchMatMul is 10–15× slower when asked to transpose an operand (measured here: a
// 1024×259 by 259×256 product takes 22 ms plain, 250–360 ms with transposeA or transposeB), and
// every dense layer's backward pass asks for exactly that (dW = xᵀ·g, dx = g·Wᵀ). Materialising the
// transpose with the wasm Transpose kernel first costs a few milliseconds and keeps the fast path.
import * as tf from '@tensorflow/tfjs';

interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface Backend {
  disposeData(dataId: object): void;
}

let installed = false;

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** Replaces the wasm BatchMatMul kernel with one that never transposes inside the product. */
export function installWasmMatMulFastPath(): void {
  if (installed) return;
  const original = tf.getKernel(tf.BatchMatMul, 'wasm');
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (!original || !transpose)
    throw new Error('the wasm backend has no BatchMatMul or Transpose kernel to build on');
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as {
        inputs: { a: TensorInfoLike; b: TensorInfoLike };
        backend: Backend;
        attrs: { transposeA: boolean; transposeB: boolean };
      };
      if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
      const materialise = (x: TensorInfoLike) =>
        transpose.kernelFunc({
          inputs: { x },
          backend,
          attrs: { perm: swapLastTwo(x.shape.length) },
        } as never) as TensorInfoLike;
      const a = attrs.transposeA ? materialise(inputs.a) : inputs.a;
      const b = attrs.transposeB ? materialise(inputs.b) : inputs.b;
      try {
        return original.kernelFunc({
          ...args,
          inputs: { a, b },
          attrs: { ...attrs, transposeA: false, transposeB: false },
        } as never);
      } finally {
        if (a !== inputs.a) backend.disposeData(a.dataId);
        if (b !== inputs.b) backend.disposeData(b.dataId);
      }
    },
  });
  installed = true;
}
