// Checkpoints as the store keeps them: TF.js artifacts packed into one blob and back, on the real
// backend, with shapes checked before anything is loaded.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.ts';
import {
  CheckpointError,
  checkShapes,
  decodeModel,
  encodeModel,
  loadWeightsInto,
  packModel,
} from './checkpoint.ts';
import { createActor, createProxyQ, mlpWeightShapes } from './networks.ts';

before(async () => {
  await selectBackend('auto');
});

function outputs(model: tf.LayersModel, input: tf.Tensor): number[] {
  return tf.tidy(() => Array.from((model.predict(input) as tf.Tensor).dataSync()));
}

test('a packed, encoded and decoded actor loads into a fresh model and acts identically', async () => {
  const saved = createActor(259, 2, [256, 256], 1);
  const fresh = createActor(259, 2, [256, 256], 2);
  const input = tf.randomUniform([4, 259], 0, 1, 'float32', 3);
  assert.notDeepEqual(outputs(fresh, input), outputs(saved, input));
  const blob = encodeModel(await packModel(saved));
  const decoded = decodeModel(blob, 'the test checkpoint');
  assert.deepEqual(
    decoded.weightSpecs.map((s) => s.shape),
    mlpWeightShapes([259, 256, 256, 2]),
  );
  // The topology is TF.js's own: the same file a TF.js LayersModel loads from.
  assert.equal((decoded.modelTopology as { class_name?: string }).class_name, 'Sequential');
  const tensors = tf.memory().numTensors;
  loadWeightsInto(fresh, decoded, 'the test checkpoint');
  assert.equal(tf.memory().numTensors, tensors, 'loading swaps values without leaking tensors');
  assert.deepEqual(outputs(fresh, input), outputs(saved, input));
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: decoded.modelTopology,
      weightSpecs: decoded.weightSpecs,
      weightData: decoded.weightData,
    }),
  );
  assert.deepEqual(outputs(loaded, input), outputs(saved, input));
  tf.dispose([input]);
  for (const model of [saved, fresh, loaded]) model.dispose();
});

test('weights of other shapes are refused before anything is loaded', async () => {
  const proxyQ = createProxyQ(259, 2, [400, 300], 1);
  const small = createActor(10, 2, [256, 256], 1);
  const packed = decodeModel(encodeModel(await packModel(small)), 'x');
  assert.throws(
    () => checkShapes(mlpWeightShapes([259, 256, 256, 2]), packed, 'the actor of checkpoint 4'),
    (error: Error) =>
      error instanceof CheckpointError &&
      /the actor of checkpoint 4 has weights of shapes \[10,256\] .* needs \[259,256\]/.test(error.message),
  );
  const before = outputs(proxyQ, tf.zeros([1, 261]));
  assert.throws(() => loadWeightsInto(proxyQ, packed, 'the small actor'), CheckpointError);
  assert.deepEqual(outputs(proxyQ, tf.zeros([1, 261])), before);
  proxyQ.dispose();
  small.dispose();
});

test('a blob that is not a checkpoint is named as such', () => {
  assert.throws(() => decodeModel(new Uint8Array([1, 2, 3]), 'model 9'), /model 9 is not a TF.js checkpoint/);
  const header = new TextEncoder().encode('{"weightSpecs":[]}');
  const blob = new Uint8Array(4 + header.length);
  new DataView(blob.buffer).setUint32(0, header.length, true);
  blob.set(header, 4);
  assert.throws(() => decodeModel(blob, 'model 9'), /lacks a topology/);
});
