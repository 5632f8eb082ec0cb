// The session loop's side of the asynchronous learner: it keeps inference copies of the actor and
// the proxy Q on the loop's thread, streams transitions to the worker (learner-worker.ts) and swaps
// in the weights the worker sends back. Updates are applied only when the loop asks for them
// (takeUpdates, at the start of a decision), so the gate and the networks change together.
import { moduleUrl } from '../../native/load-addon.ts';
import { Worker } from 'node:worker_threads';
import type { UpdateReport } from './aim.ts';
import type { Transition } from './buffer.ts';
import { meanAction } from './bc.ts';
import { loadWeightsInto } from './checkpoint.ts';
import type { PolicyEvalResult } from './evaluate.ts';
import {
  blockBuffers,
  packTransitions,
  type FromWorker,
  type LearnerWeights,
  type StepStamp,
  type ToWorker,
  type WorkerSetup,
} from './learner-protocol.ts';
import type { LearnerState } from './method.ts';
import { createInferenceNetworks, transitionSizes, type InferenceNetworks } from './methods.ts';
import { novelty } from './thrifty-dagger.ts';

interface Trained {
  at: StepStamp;
  weights: LearnerWeights;
  state: LearnerState;
}

/** What the loop learns when it takes the learner's updates; the weights are already in use. */
export type LearnerUpdate =
  | (Trained & { kind: 'fit'; epsilon: number; heldOutQ: Float32Array })
  | (Trained & { kind: 'round'; report: UpdateReport; threshold: number | null });

export class LearnerError extends Error {
  override name = 'LearnerError';
}

/**
 * The worker's entry beside this module: the TypeScript source when Node runs the sources, the
 * bundled learner-worker.cjs when this code is itself bundled (Electron's main.cjs, scripts/build.ts).
 */
export function learnerWorkerUrl(from: string = moduleUrl(import.meta.url)): URL {
  return new URL(from.endsWith('.cjs') ? './learner-worker.cjs' : './learner-worker.ts', from);
}

export class AsyncLearner {
  private readonly worker: Worker;
  private readonly obsDim: number;
  private readonly actionDim: number;
  /** The policy (one actor, or an ensemble's members) and the proxy Q, as the method reads them. */
  private readonly networks: InferenceNetworks;
  private pending: LearnerUpdate[] = [];
  private evaluations: Array<{ resolve(result: PolicyEvalResult): void; reject(error: Error): void }> = [];
  private settledWaiters: Array<() => void> = [];
  private sent = 0;
  private processed = 0;
  /** An initial fit was asked for and has not come back. */
  private awaitingFit = false;
  private failure: Error | null = null;
  private closed = false;
  private latest: LearnerWeights;
  /** Tensors alive in the worker when it last reported. */
  workerTensors = 0;

  private constructor(worker: Worker, setup: WorkerSetup, ready: Extract<FromWorker, { type: 'ready' }>) {
    this.worker = worker;
    ({ obsDim: this.obsDim, actionDim: this.actionDim } = transitionSizes(setup.learner));
    this.networks = createInferenceNetworks(setup.method, setup.learner);
    this.latest = ready.weights;
    this.workerTensors = ready.numTensors;
    this.load(ready.weights);
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new LearnerError(`the learner thread exited (code ${code})`));
    });
  }

  /** Starts the worker on the given backend (the one this thread already uses) and waits until it is ready. */
  static async start(setup: WorkerSetup, workerUrl: URL = learnerWorkerUrl()): Promise<AsyncLearner> {
    const worker = new Worker(workerUrl);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- event listeners of different signatures
    const listeners: Record<string, (...args: any[]) => void> = {};
    try {
      const ready = await new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
        listeners.error = reject;
        listeners.exit = (code: number) =>
          reject(new LearnerError(`the learner thread exited (code ${code})`));
        listeners.message = (message: FromWorker) => {
          if (message.type === 'ready') resolve(message);
          if (message.type === 'failed') reject(new LearnerError(message.message));
        };
        for (const [event, listener] of Object.entries(listeners)) worker.on(event, listener);
        worker.postMessage({ type: 'setup', setup } satisfies ToWorker);
      });
      return new AsyncLearner(worker, setup, ready);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      // Only our own listeners: the Worker keeps internal ones of its own.
      for (const [event, listener] of Object.entries(listeners)) worker.off(event, listener);
    }
  }

  /** Transitions sent to the learner that it has not yet taken in and trained on. */
  get lag(): number {
    return this.sent - this.processed;
  }

  /** The weights of the last fit or round (or the initial ones). */
  get latestWeights(): LearnerWeights {
    return this.latest;
  }

  /** The novice's deterministic action for one observation (an ensemble's mean, a grid action's index). */
  act(obs: Float32Array): Float32Array {
    this.check();
    return this.networks.act(obs, 1);
  }

  /** Q_c(s, a) for one observation and action (thrifty-dagger-original: Q_risk). */
  q(obs: Float32Array, action: ArrayLike<number>): number {
    if (!this.networks.proxyQ) throw new LearnerError('this method has no proxy Q');
    return this.networks.q(obs, action);
  }

  /**
   * An ensemble's novelty at s: u(s) = mean over action dims of the variance of the members'
   * actions (Thrifty-DAgger); 0 for a single actor.
   */
  novelty(obs: Float32Array): number {
    const { actors } = this.networks;
    if (actors.length < 2) return 0;
    return novelty(actors.map((actor) => meanAction([actor], obs, 1)));
  }

  observe(transition: Transition, at: StepStamp): void {
    this.check();
    const block = packTransitions([transition], this.obsDim, this.actionDim);
    this.post(
      { type: 'transitions', block, at, caughtUp: this.processed === this.sent },
      blockBuffers(block),
    );
    this.sent++;
  }

  /** Asks for the fit at the end of warm-up, on every transition sent so far. */
  initialFit(at: StepStamp): void {
    this.post({ type: 'initialFit', at });
  }

  /** Evaluates the novice as trained on every transition sent so far. */
  evaluate(at: StepStamp): Promise<PolicyEvalResult> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      // The worker answers in order, so answers match requests first in, first out.
      this.evaluations.push({ resolve, reject });
      this.post({ type: 'evaluate', at });
    });
  }

  /** The fits and rounds that finished since the last call, oldest first, their weights swapped in. */
  takeUpdates(): LearnerUpdate[] {
    this.check();
    const updates = this.pending;
    this.pending = [];
    for (const update of updates) this.load(update.weights);
    return updates;
  }

  /** Resolves once the learner has taken in every transition sent and run the updates they made due. */
  settled(): Promise<void> {
    this.check();
    if (this.processed === this.sent && !this.awaitingFit) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Stops the worker and frees the inference copies. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
    for (const actor of this.networks.actors) actor.dispose();
    this.networks.proxyQ?.dispose();
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (message.type === 'initialFit') this.awaitingFit = true;
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'failed':
        return this.fail(new LearnerError(message.message));
      case 'evaluated':
        this.evaluations.shift()?.resolve(message.result);
        return;
      case 'processed':
        this.processed = message.processed;
        break;
      case 'fitted':
      case 'updated': {
        const { at, weights, state, numTensors } = message;
        this.processed = message.processed;
        this.workerTensors = numTensors;
        this.latest = weights;
        if (message.type === 'fitted') {
          this.awaitingFit = false;
          this.pending.push({
            kind: 'fit',
            at,
            weights,
            state,
            epsilon: message.epsilon,
            heldOutQ: message.heldOutQ,
          });
        } else {
          this.pending.push({
            kind: 'round',
            at,
            weights,
            state,
            report: message.report,
            threshold: message.threshold,
          });
        }
        break;
      }
    }
    if (this.processed === this.sent && !this.awaitingFit) this.wake();
  }

  private load(weights: LearnerWeights): void {
    [weights.actor, ...weights.members].forEach((packed, k) =>
      loadWeightsInto(this.networks.actors[k], packed, 'the learner’s actor'),
    );
    const { proxyQ } = this.networks;
    if (proxyQ && weights.proxyQ) loadWeightsInto(proxyQ, weights.proxyQ, 'the learner’s proxy Q');
  }

  private fail(error: Error): void {
    this.failure ??=
      error instanceof LearnerError ? error : new LearnerError(`the learner thread failed: ${error.message}`);
    for (const { reject } of this.evaluations.splice(0)) reject(this.failure);
    this.wake();
  }

  private wake(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
