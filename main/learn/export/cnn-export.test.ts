// Convolutional policies through the exporters, run by a real ONNX runtime: the grid policy's way of
// writing a 2×2 convolution as a dense layer over 2×2 patches of the (channel-first, /255 scaled)
// observation, max pooling over the channels-last map, and a flatten in TF.js's (h, w, c) order,
// all exported as ONNX Conv/MaxPool/Flatten over channel-first maps and as PyTorch's nn.Conv2d /
// nn.MaxPool2d / nn.Flatten layout, must give TF.js's outputs; first on a small CNN built here from
// TF.js's own layers, then on the grid's MinigridCNN itself.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import ort from 'onnxruntime-node';
import { selectBackend } from '../backend.ts';
import { modelFromArtifacts, packModel } from '../checkpoint.ts';
import { createMinigridCnn, minigridPatches } from '../networks.ts';
import { createGridEnv } from '../../sim/grid/index.ts';
import { policyNetwork } from './network.ts';
import { readPolicyFolder, writePolicyFolder, type PolicyDescription } from './policy-folder.ts';

const [C, H, W] = [12, 7, 7];

/** obs/255 as 2×2 patches, [count, H−1, W−1, 4C]: each neighbourhood row-major, then channel. */
function patches(obs: Float32Array, count: number): tf.Tensor4D {
  const out = new Float32Array(count * (H - 1) * (W - 1) * 4 * C);
  let o = 0;
  for (let n = 0; n < count; n++)
    for (let y = 0; y < H - 1; y++)
      for (let x = 0; x < W - 1; x++)
        for (let d = 0; d < 4; d++)
          for (let c = 0; c < C; c++)
            out[o++] = obs[n * C * H * W + c * H * W + (y + (d >> 1)) * W + x + (d & 1)] / 255;
  return tf.tensor4d(out, [count, H - 1, W - 1, 4 * C]);
}

/** Conv(12→16, 2) ReLU → MaxPool 2 → Flatten → Linear(144→64) Tanh → Linear(64→7), the TF.js way. */
function createCnn(): tf.Sequential {
  return tf.sequential({
    name: 'novice',
    layers: [
      tf.layers.dense({ units: 16, activation: 'relu', inputShape: [H - 1, W - 1, 4 * C], name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 64, activation: 'tanh', name: 'dense1' }),
      tf.layers.dense({ units: 7, name: 'q' }),
    ],
  });
}

const DESCRIPTION: PolicyDescription = {
  observation: {
    shape: [C, H, W],
    dtype: 'float32',
    low: 0,
    high: 255,
    layout: {},
    scale: 1 / 255,
    description: 'four stacked frames of three MiniGrid codes over the 7×7 view',
  },
  action: {
    kind: 'discrete',
    n: 7,
    names: ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'],
    description: 'argmax of the Q values',
  },
  env: { id: 'grid', name: 'AIM-Workstation-grid', decisionHz: 1, horizon: 100, config: {} },
  source: {},
  appVersion: 'test',
};

let dir: string;
before(async () => {
  await selectBackend('auto');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-cnn-export-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a CNN written as dense layers over 2×2 patches exports as Conv/MaxPool/Flatten and runs in onnxruntime as in TF.js', async () => {
  const model = createCnn();
  const packed = await packModel(model);
  const network = policyNetwork(packed, { observationShape: [C, H, W], scale: 1 / 255 });
  assert.deepEqual(
    network.layers.map((l) => l.kind),
    ['conv2d', 'maxPool2d', 'flatten', 'dense', 'dense'],
  );
  const folder = path.join(dir, 'cnn');
  fs.mkdirSync(folder);
  const arch = writePolicyFolder(folder, packed, DESCRIPTION);
  assert.equal(
    arch.network.pytorch,
    'nn.Sequential(nn.Conv2d(12, 16, 2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(144, 64), nn.Tanh(), nn.Linear(64, 7))',
  );
  assert.deepEqual(arch.network.layers[0], {
    name: 'conv1',
    type: 'conv2d',
    in: 12,
    out: 16,
    kernel: 2,
    activation: 'relu',
    weight: '0.weight',
    bias: '0.bias',
  });
  readPolicyFolder(folder);

  // MiniGrid codes are small whole numbers.
  const count = 50;
  const obs = Float32Array.from({ length: count * C * H * W }, (_, i) => (i * 7919) % 11);
  const expected = tf.tidy(
    () => (model.predict(patches(obs, count)) as tf.Tensor).dataSync() as Float32Array,
  );
  const session = await ort.InferenceSession.create(fs.readFileSync(path.join(folder, 'model.onnx')));
  const out = await session.run({ obs: new ort.Tensor('float32', obs, [count, C, H, W]) });
  assert.deepEqual(out.action.dims, [count, 7]);
  const got = out.action.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  assert.ok(worst <= 1e-5, `largest difference ${worst}`);
  assert.ok(new Set(Array.from(expected, (v) => v.toFixed(3))).size > 20, 'the outputs vary with the input');
  await session.release();
  model.dispose();
});

test('layers and inputs the exporter does not know are refused by name', async () => {
  const normed = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], name: 'dense' }),
      tf.layers.batchNormalization({ name: 'norm' }),
    ],
  });
  const normedPacked = await packModel(normed);
  assert.throws(
    () => policyNetwork(normedPacked),
    /layer norm is a BatchNormalization, which the exporter does not know/,
  );
  normed.dispose();
  const cnn = createCnn();
  const cnnPacked = await packModel(cnn);
  assert.throws(
    () => policyNetwork(cnnPacked, { observationShape: [259], scale: 1 }),
    /the model takes \[6,6,48\] \(1728 values\), which is neither the observation \[259\] nor its 2×2 patches/,
  );
  cnn.dispose();
});

test('the grid policy (MinigridCNN) exports as Conv/ReLU/MaxPool/Conv/ReLU/Flatten/Gemm and gives TF.js’s Q-values on MiniGrid observations', async () => {
  const model = createMinigridCnn(7, 3, 'novice');
  const folder = path.join(dir, 'minigrid');
  fs.mkdirSync(folder);
  const arch = writePolicyFolder(folder, await packModel(model), DESCRIPTION);
  assert.equal(
    arch.network.pytorch,
    'nn.Sequential(nn.Conv2d(12, 16, 2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 2), nn.ReLU(), nn.Flatten(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 7))',
  );
  // Observations the grid really produces: the first view of 100 generated layouts.
  const env = createGridEnv();
  const count = 100;
  const obs = new Float32Array(count * C * H * W);
  for (let seed = 0; seed < count; seed++) obs.set(env.reset(seed), seed * C * H * W);
  const expected = tf.tidy(
    () => (model.predict(minigridPatches(obs, count)) as tf.Tensor).dataSync() as Float32Array,
  );
  const session = await ort.InferenceSession.create(fs.readFileSync(path.join(folder, 'model.onnx')));
  const got = (await session.run({ obs: new ort.Tensor('float32', obs, [count, C, H, W]) })).action
    .data as Float32Array;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  assert.ok(worst <= 1e-5, `largest difference ${worst}`);
  await session.release();
  // The TF.js folder loads back (the patch layer is registered by networks.ts) to the same function.
  const loaded = await modelFromArtifacts(readPolicyFolder(folder).model);
  const again = tf.tidy(
    () => (loaded.predict(minigridPatches(obs, count)) as tf.Tensor).dataSync() as Float32Array,
  );
  assert.deepEqual(again, expected);
  loaded.dispose();
  model.dispose();
});
