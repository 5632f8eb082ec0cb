// Chooses the TF.js backend once per process: tfjs-node (native TensorFlow) → wasm-blas → wasm → cpu.
// tfjs-node is an optional dependency because it downloads libtensorflow at install time; offline
// installs fall back to wasm, and every loss and optimizer here runs on all of them. wasm-blas is the
// wasm backend with its matrix products done by OpenBLAS (blas-matmul.ts), where the optional
// add-on native/blas-matmul was built; TF.js itself still calls it 'wasm'.
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendName } from '../contract/session-config.ts';
import { blasUnavailable, installBlasMatMul } from './blas-matmul.ts';
import { installWasmMatMulFastPath } from './wasm-matmul.ts';

const TFJS_NAMES: Record<BackendName, string> = {
  'tfjs-node': 'tensorflow',
  'wasm-blas': 'wasm',
  wasm: 'wasm',
  cpu: 'cpu',
};

export class BackendError extends Error {
  override name = 'BackendError';
}

let active: BackendName | null = null;

export function activeBackend(): BackendName | null {
  return active;
}

// A variable specifier: the package is optional, so neither tsc nor a bundler may require it to exist.
const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tfjs-node') await import(TFJS_NODE_PACKAGE);
    const blasMissing = name === 'wasm-blas' ? blasUnavailable() : null;
    if (blasMissing !== null) return `wasm-blas: ${blasMissing}`;
    if (name === 'wasm' || name === 'wasm-blas') await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend(TFJS_NAMES[name]))) return `${name} did not initialise`;
    await tf.ready();
    if (name === 'wasm') installWasmMatMulFastPath();
    if (name === 'wasm-blas') installBlasMatMul();
    return null;
  } catch (error) {
    return `${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/**
 * Activates the requested backend (or the best available for 'auto') and returns its name.
 * A process keeps one backend: asking for a different one later is an error, because tensors
 * and models made on the first would not move silently.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (active !== null) {
    if (choice === 'auto' || choice === active) return active;
    throw new BackendError(`this process already trains on ${active}; it cannot switch to ${choice}`);
  }
  // Silences TF.js's console advice to install tfjs-node; the choice is reported by us instead.
  tf.enableProdMode();
  const order: BackendName[] = choice === 'auto' ? ['tfjs-node', 'wasm-blas', 'wasm', 'cpu'] : [choice];
  const failures: string[] = [];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure === null) {
      active = name;
      return name;
    }
    failures.push(failure);
  }
  throw new BackendError(`no TF.js backend could start (${failures.join('; ')})`);
}
