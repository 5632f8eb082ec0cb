// The OpenBLAS kernels of the wasm-blas backend against the wasm backend's own kernels: every product
// is first computed by the original wasm kernels, then the OpenBLAS kernels are installed and the
// same products (and a few Adam steps of a small actor) are computed again. Also the add-on's
// argument checks (nothing written on a bad call) and its loading in a worker thread. Skipped, with
// the reason, only where the add-on is absent (no OpenBLAS when npm installed); CI builds it.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { blasUnavailable, installBlasMatMul } from './blas-matmul.ts';
import { createActor, createAdam, trainableVariables } from './networks.ts';
import { loadBlas, type BlasBinding } from '../../native/blas-matmul/index.ts';
import { Rng } from '../sim/random.ts';

const unavailable = blasUnavailable();
const skip = unavailable ?? false;

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  /** Fused cases: a bias of n values (or none) and an activation. */
  fused?: { bias: boolean; activation: 'linear' | 'relu' | 'elu' | 'prelu' };
}

function values(rng: Rng, shape: number[]): Float32Array {
  return Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.uniform(-1, 1));
}

const cases: Case[] = [];
for (const [transposeA, transposeB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  const ab = (m: number, k: number, n: number) => ({
    a: transposeA ? [k, m] : [m, k],
    b: transposeB ? [n, k] : [k, n],
  });
  const t = `tA=${transposeA} tB=${transposeB}`;
  cases.push({ name: `7×5·5×3 ${t}`, ...ab(7, 5, 3), transposeA, transposeB });
  cases.push({ name: `33×65·65×17 ${t}`, ...ab(33, 65, 17), transposeA, transposeB });
  cases.push({ name: `1×1·1×1 ${t}`, ...ab(1, 1, 1), transposeA, transposeB });
  cases.push({ name: `1×9·9×1 ${t}`, ...ab(1, 9, 1), transposeA, transposeB });
  cases.push({ name: `9×1·1×9 ${t}`, ...ab(9, 1, 9), transposeA, transposeB });
  const batched = (batchA: number[], batchB: number[]) => ({
    a: [...batchA, ...(transposeA ? [6, 4] : [4, 6])],
    b: [...batchB, ...(transposeB ? [3, 6] : [6, 3])],
  });
  cases.push({ name: `batch 3 ${t}`, ...batched([3], [3]), transposeA, transposeB });
  cases.push({ name: `batch 3 with a shared b ${t}`, ...batched([3], [1]), transposeA, transposeB });
  cases.push({ name: `batch 2×3 with a shared a ${t}`, ...batched([1, 1], [2, 3]), transposeA, transposeB });
  for (const activation of ['linear', 'relu'] as const) {
    for (const bias of [true, false]) {
      cases.push({
        name: `fused ${activation}${bias ? ' + bias' : ''} ${t}`,
        ...ab(12, 10, 8),
        transposeA,
        transposeB,
        fused: { bias, activation },
      });
    }
  }
}
// Left to the original kernel: other activations.
for (const [activation, transposeB, b] of [
  ['elu', false, [4, 3]],
  ['prelu', true, [3, 4]],
] as const) {
  const fused = { bias: true, activation };
  cases.push({
    name: `fused ${activation} + bias`,
    a: [5, 4],
    b: [...b],
    transposeA: false,
    transposeB,
    fused,
  });
}

const delegated = (c: Case) => c.fused?.activation === 'elu' || c.fused?.activation === 'prelu';

interface Inputs {
  a: Float32Array;
  b: Float32Array;
  bias: Float32Array;
  alpha: Float32Array;
}

/** Operands for a case, and enough bias and PReLU values for any of its columns. */
function randomInputs(rng: Rng, c: Case): Inputs {
  return { a: values(rng, c.a), b: values(rng, c.b), bias: values(rng, [64]), alpha: values(rng, [64]) };
}

function product(c: Case, inputs: Inputs): { shape: number[]; values: Float32Array } {
  const out = tf.tidy(() => {
    const a = tf.tensor(inputs.a, c.a);
    const b = tf.tensor(inputs.b, c.b);
    return c.fused
      ? tf.fused.matMul({
          a: a as tf.Tensor2D,
          b: b as tf.Tensor2D,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias: c.fused.bias
            ? tf.tensor1d(inputs.bias.subarray(0, c.transposeB ? c.b[0] : c.b[1]))
            : undefined,
          activation: c.fused.activation,
          preluActivationWeights:
            c.fused.activation === 'prelu' ? tf.tensor1d(inputs.alpha.subarray(0, c.b[0])) : undefined,
        })
      : tf.matMul(a, b, c.transposeA, c.transposeB);
  });
  // Read outside tidy: tidy would walk every element of a returned array looking for tensors.
  const result = { shape: out.shape, values: out.dataSync() as Float32Array };
  out.dispose();
  return result;
}

/** The product from its definition, in doubles, for batch shapes broadcast in any way, then bias and relu. */
function definition(c: Case, inputs: Inputs): Float32Array {
  const ra = c.a.length;
  const rb = c.b.length;
  const m = c.transposeA ? c.a[ra - 1] : c.a[ra - 2];
  const k = c.transposeA ? c.a[ra - 2] : c.a[ra - 1];
  const n = c.transposeB ? c.b[rb - 2] : c.b[rb - 1];
  const outerA = c.a.slice(0, -2);
  const outerB = c.b.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const count = outer.reduce((p, d) => p * d, 1);
  const member = (dims: number[], i: number) => {
    let index = 0;
    let scale = 1;
    for (let d = outer.length - 1, rest = i; d >= 0; d--) {
      const position = rest % outer[d];
      rest = Math.floor(rest / outer[d]);
      const size = dims[d - (outer.length - dims.length)] ?? 1;
      if (size !== 1) index += position * scale;
      scale *= size;
    }
    return index;
  };
  const out = new Float32Array(count * m * n);
  for (let i = 0; i < count; i++) {
    const a = inputs.a.subarray(member(outerA, i) * m * k);
    const b = inputs.b.subarray(member(outerB, i) * k * n);
    for (let r = 0; r < m; r++) {
      for (let col = 0; col < n; col++) {
        let sum = 0;
        for (let j = 0; j < k; j++) {
          sum +=
            (c.transposeA ? a[j * m + r] : a[r * k + j]) * (c.transposeB ? b[col * k + j] : b[j * n + col]);
        }
        if (c.fused?.bias) sum += inputs.bias[col];
        out[i * m * n + r * n + col] = c.fused?.activation === 'relu' ? Math.max(0, sum) : sum;
      }
    }
  }
  return out;
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]));
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance * scale,
      `${what}: [${i}] ${actual[i]} vs ${expected[i]}`,
    );
  }
}

// A few Adam steps of a small actor (dense ReLU layers, tanh output) on fixed data.
const TRAIN = { obs: 8, action: 2, hidden: [16, 16], batch: 32, steps: 5, seed: 3 };

function trainActor(): Float32Array[] {
  const rng = new Rng(11);
  const obs = tf.tensor2d(values(rng, [TRAIN.batch, TRAIN.obs]), [TRAIN.batch, TRAIN.obs]);
  const target = tf.tensor2d(values(rng, [TRAIN.batch, TRAIN.action]), [TRAIN.batch, TRAIN.action]);
  const actor = createActor(TRAIN.obs, TRAIN.action, TRAIN.hidden, TRAIN.seed);
  const optimizer = createAdam(1e-2);
  const variables = trainableVariables(actor);
  for (let step = 0; step < TRAIN.steps; step++) {
    optimizer.minimize(
      () => tf.mean(tf.square(tf.sub(target, actor.apply(obs) as tf.Tensor))) as tf.Scalar,
      false,
      variables,
    );
  }
  const weights = variables.map((v) => v.dataSync() as Float32Array);
  tf.dispose([obs, target]);
  optimizer.dispose();
  actor.dispose();
  return weights;
}

const inputs = new Map<Case, Inputs>();
const originals = new Map<Case, { shape: number[]; values: Float32Array }>();
let originalWeights: Float32Array[] = [];
let blas: BlasBinding | null = null;

before(async () => {
  assert.ok(await tf.setBackend('wasm'));
  await tf.ready();
  if (skip) return;
  const rng = new Rng(5);
  for (const c of cases) {
    const input = randomInputs(rng, c);
    inputs.set(c, input);
    originals.set(c, product(c, input));
  }
  originalWeights = trainActor();
  installBlasMatMul();
  blas = loadBlas().binding;
});

describe('OpenBLAS kernels on the wasm backend', { skip }, () => {
  test('every product matches the original wasm kernel: transposes, batches, broadcasts, fused, odd sizes', () => {
    const before = tf.memory();
    for (const c of cases) {
      const input = inputs.get(c)!;
      const got = product(c, input);
      const original = originals.get(c)!;
      assert.deepEqual(got.shape, original.shape, c.name);
      if (delegated(c)) {
        assertClose(got.values, original.values, 0, c.name);
        continue;
      }
      assertClose(got.values, definition(c, input), 1e-5, `${c.name} (definition)`);
      // The wasm _FusedMatMul adds the bias wrongly when an operand is transposed (measured here:
      // fused.matMul({transposeA: true, bias}) differs from matMul + add by up to the bias itself);
      // the learner never asks for that, and the definition above is the judge there.
      if (!(c.fused?.bias && (c.transposeA || c.transposeB))) {
        assertClose(got.values, original.values, 1e-5, c.name);
      }
    }
    assert.equal(tf.memory().numTensors, before.numTensors);
    assert.equal(tf.memory().numBytes, before.numBytes);
  });

  test('batch dimensions that broadcast against each other ([2, 1] with [1, 3]) follow the definition', () => {
    const rng = new Rng(8);
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, true],
    ] as const) {
      const c: Case = { name: 'cross broadcast', a: [2, 1, 4, 5], b: [1, 3, 5, 2], transposeA, transposeB };
      if (transposeA) c.a = [2, 1, 5, 4];
      if (transposeB) c.b = [1, 3, 2, 5];
      const input = randomInputs(rng, c);
      const got = product(c, input);
      assert.deepEqual(got.shape, [2, 3, 4, 2]);
      assertClose(got.values, definition(c, input), 1e-5, `${c.name} tA=${transposeA}`);
    }
  });

  test('an output that grows the wasm memory is written into the new memory', () => {
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const heapBytes = backend.wasm.HEAPU8.buffer.byteLength;
    const m = 256;
    const n = Math.ceil(heapBytes / 4 / m) + 64;
    const rng = new Rng(9);
    const c: Case = { name: 'growing', a: [m, 3], b: [3, n], transposeA: false, transposeB: false };
    const input = randomInputs(rng, c);
    const got = product(c, input);
    assert.ok(backend.wasm.HEAPU8.buffer.byteLength > heapBytes, 'the heap grew');
    const expected = definition(c, input);
    for (let i = 0; i < expected.length; i += 997) {
      assert.ok(Math.abs(got.values[i] - expected[i]) < 1e-5, `[${i}]`);
    }
  });

  test('a few Adam steps of a dense actor give the same weights as on the wasm kernels', () => {
    const weights = trainActor();
    assert.equal(weights.length, originalWeights.length);
    weights.forEach((w, i) => assertClose(w, originalWeights[i], 1e-4, `variable ${i}`));
  });
});

describe('the add-on', { skip }, () => {
  const args = (overrides: Record<number, unknown> = {}) => {
    const a = new Float32Array(6).fill(1);
    const b = new Float32Array(6).fill(2);
    const c = new Float32Array(4).fill(-7);
    const list: unknown[] = [false, false, 2, 2, 3, 1, a, 0, 0, b, 0, 0, c, 0, 0, null, 0, 0];
    for (const [index, value] of Object.entries(overrides)) list[Number(index)] = value;
    return { list, c: list[12] as Float32Array };
  };
  const call = (list: unknown[]) => (blas!.sgemm as (...x: unknown[]) => void)(...list);

  test('computes 2×3 · 3×2 with a bias and relu into the given place', () => {
    const c = new Float32Array(6).fill(-7);
    const bias = new Float32Array([0, 0, 1, -20]);
    blas!.sgemm(
      false,
      false,
      2,
      2,
      3,
      1,
      Float32Array.of(1, 2, 3, 4, 5, 6),
      0,
      0,
      Float32Array.of(1, 0, 0, 1, 1, 1),
      0,
      0,
      c,
      1,
      0,
      bias,
      2,
      1,
    );
    assert.deepEqual([...c], [-7, 5, 0, 11, 0, -7]);
  });

  test('rejects every malformed call with one clear error and writes nothing', () => {
    const bad: Array<[Record<number, unknown>, RegExp]> = [
      [{ 0: 1 }, /transposeA must be a boolean/],
      [{ 2: -1 }, /m must be an integer/],
      [{ 3: 1.5 }, /n must be an integer/],
      [{ 4: '3' }, /k must be a number/],
      [{ 6: new Float64Array(6) }, /a must be a Float32Array/],
      [{ 9: [2, 2, 2, 2, 2, 2] }, /b must be a Float32Array/],
      [{ 7: 1 }, /a needs 7 elements .* but has 6/],
      [{ 5: 2, 11: 6, 14: 4 }, /b needs 12 elements/],
      [{ 13: 1 }, /c needs 5 elements/],
      [{ 5: 2, 8: 0, 11: 0, 14: 2 }, /cStride 2 is less than m·n = 4/],
      [{ 15: new Float32Array(1) }, /bias needs 2 elements/],
      [{ 15: new Float32Array(2), 16: 1 }, /bias needs 3 elements/],
      [{ 17: 2 }, /activation must be 0 \(linear\) or 1 \(relu\)/],
    ];
    for (const [overrides, message] of bad) {
      const { list, c } = args(overrides);
      assert.throws(() => call(list), message, JSON.stringify(Object.keys(overrides)));
      assert.ok(
        c.every((x) => x === -7),
        `nothing written for ${message}`,
      );
    }
    assert.throws(() => call(args().list.slice(0, 17)), /expected 18 arguments, got 17/);
    const shared = new Float32Array(20);
    assert.throws(
      () => blas!.sgemm(false, false, 2, 2, 3, 1, shared, 0, 0, shared, 6, 0, shared, 4, 0, null, 0, 0),
      /the output c overlaps operand a/,
    );
    assert.throws(() => blas!.setThreads(0), /thread count must be an integer in \[1, 1024\]/);
  });

  test('loads and computes in a worker thread', async () => {
    const index = new URL('../../native/blas-matmul/index.ts', import.meta.url).href;
    const code = `
      import { parentPort } from 'node:worker_threads';
      import { loadBlas } from ${JSON.stringify(index)};
      const { binding, error } = loadBlas();
      const c = new Float32Array(1);
      binding?.sgemm(false, false, 1, 1, 2, 1, Float32Array.of(1, 2), 0, 0, Float32Array.of(3, 4), 0, 0, c, 0, 0, null, 0, 0);
      parentPort.postMessage({ error, value: c[0] });`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
    const reply = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.deepEqual(reply, { error: null, value: 11 });
  });
});
