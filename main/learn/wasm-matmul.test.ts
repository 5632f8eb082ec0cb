// The transposing BatchMatMul wrapper must give the same products as the plain definition.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.ts';
import { Rng } from '../sim/random.ts';

before(async () => {
  await selectBackend('wasm');
});

function reference(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, value, k) => sum + value * b[k][j], 0)));
}

function randomMatrix(rng: Rng, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-1, 1)));
}

const transposed = (m: number[][]) => m[0].map((_, j) => m.map((row) => row[j]));

test('matMul with either operand transposed matches the definition on wasm', () => {
  assert.equal(tf.getBackend(), 'wasm');
  const rng = new Rng(1);
  const a = randomMatrix(rng, 7, 5);
  const b = randomMatrix(rng, 5, 3);
  const expected = reference(a, b);
  const cases: Array<[number[][], number[][], boolean, boolean]> = [
    [a, b, false, false],
    [transposed(a), b, true, false],
    [a, transposed(b), false, true],
    [transposed(a), transposed(b), true, true],
  ];
  for (const [left, right, ta, tb] of cases) {
    const product = tf.tidy(() =>
      tf.matMul(tf.tensor2d(left), tf.tensor2d(right), ta, tb).arraySync(),
    ) as number[][];
    product.forEach((row, i) =>
      row.forEach((value, j) =>
        assert.ok(Math.abs(value - expected[i][j]) < 1e-5, `transposeA=${ta} transposeB=${tb} [${i}][${j}]`),
      ),
    );
  }
});

test('batched products with transposes keep their shapes and values, and free their temporaries', () => {
  const rng = new Rng(2);
  const before = tf.memory().numTensors;
  const batches = [randomMatrix(rng, 4, 6), randomMatrix(rng, 4, 6)];
  const rhs = [randomMatrix(rng, 4, 2), randomMatrix(rng, 4, 2)];
  const product = tf.tidy(() =>
    tf.matMul(tf.tensor3d(batches), tf.tensor3d(rhs), true, false).arraySync(),
  ) as number[][][];
  assert.deepEqual([product.length, product[0].length, product[0][0].length], [2, 6, 2]);
  batches.forEach((a, n) => {
    const expected = reference(transposed(a), rhs[n]);
    product[n].forEach((row, i) =>
      row.forEach((value, j) => assert.ok(Math.abs(value - expected[i][j]) < 1e-5)),
    );
  });
  assert.equal(tf.memory().numTensors, before);
});
