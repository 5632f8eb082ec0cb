// Backend selection with and without the OpenBLAS add-on, each in a child process because a process
// keeps its first backend. "Without" hides the add-on from module resolution (a resolve hook), the
// way a machine without OpenBLAS lacks it, so this runs wherever the add-on was built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { blasUnavailable } from './blas-matmul.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const backendModule = new URL('./backend.ts', import.meta.url).href;
// Where tfjs-node installed, 'auto' takes it first and never reaches the wasm backends.
const tfjsNode = existsSync(path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'));

const HIDE_ADDON = `
  import { registerHooks } from 'node:module';
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier === 'aim-blas-matmul' || specifier.endsWith('blas_matmul.node')) {
        throw Object.assign(new Error('Cannot find module ' + specifier), { code: 'MODULE_NOT_FOUND' });
      }
      return next(specifier, context);
    },
  });`;

function child(body: string, hideAddon: boolean): Record<string, unknown> {
  const code = `
    import * as tf from '@tensorflow/tfjs';
    import { selectBackend } from ${JSON.stringify(backendModule)};
    const out = {};
    ${body}
    console.log(JSON.stringify(out));`;
  const hooks = hideAddon ? ['--import', `data:text/javascript,${encodeURIComponent(HIDE_ADDON)}`] : [];
  const result = spawnSync(process.execPath, [...hooks, '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

const TRY_BLAS_THEN_AUTO = `
  try { await selectBackend('wasm-blas'); } catch (error) { out.blasError = error.message; }
  out.auto = await selectBackend('auto');
  out.tfjs = tf.getBackend();
  out.product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
  try { await selectBackend('wasm'); } catch (error) { out.switchError = error.message; }`;

test('without the add-on, wasm-blas says why it cannot start and auto trains on wasm', () => {
  const out = child(TRY_BLAS_THEN_AUTO, true);
  assert.match(
    String(out.blasError),
    /^no TF\.js backend could start \(wasm-blas: the OpenBLAS add-on is not built or cannot load \(aim-blas-matmul: Cannot find module/,
  );
  assert.equal(out.auto, tfjsNode ? 'tfjs-node' : 'wasm');
  assert.equal(out.product, 11);
});

test(
  'with the add-on, auto picks wasm-blas: TF.js runs its wasm backend with the OpenBLAS products, for good',
  { skip: blasUnavailable() ?? false },
  () => {
    const out = child(TRY_BLAS_THEN_AUTO, false);
    assert.equal(out.blasError, undefined);
    assert.deepEqual([out.auto, out.tfjs, out.product], ['wasm-blas', 'wasm', 11]);
    assert.match(String(out.switchError), /already trains on wasm-blas; it cannot switch to wasm/);
    if (!tfjsNode) assert.equal(child(`out.auto = await selectBackend('auto');`, false).auto, 'wasm-blas');
  },
);
