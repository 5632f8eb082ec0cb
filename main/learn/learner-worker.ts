// The learner's thread: takes transitions in, runs AIM's initial fit and update rounds when they are
// due, evaluates the novice on request, and sends weights back after every fit and round. The
// session loop never waits on this thread unless it asked to (lockstep at fast pace).
// Bundled to dist/electron/learner-worker.cjs for Electron (scripts/build.ts).
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { UpdateReport } from './aim.ts';
import { selectBackend } from './backend.ts';
import { loadWeightsInto, packModel } from './checkpoint.ts';
import { evaluatePolicy } from './evaluate.ts';
import type { MethodLearner } from './method.ts';
import { createMethodLearner } from './methods.ts';
import {
  unpackTransition,
  weightBuffers,
  type FromWorker,
  type LearnerWeights,
  type StepStamp,
  type ToWorker,
  type WorkerSetup,
} from './learner-protocol.ts';

if (!parentPort) throw new Error('learner-worker runs as a worker thread');
const port = parentPort;

let setup: WorkerSetup | null = null;
let learner: MethodLearner | null = null;
let processed = 0;
let failed = false;

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function weights(method: MethodLearner): Promise<LearnerWeights> {
  const [actor, ...members] = await Promise.all(method.actors.map((model) => packModel(model)));
  return {
    actor,
    members,
    proxyQ: method.proxyQ ? await packModel(method.proxyQ) : null,
    proxyQTarget: method.proxyQTarget ? await packModel(method.proxyQTarget) : null,
  };
}

function ready(): MethodLearner {
  if (!learner || !setup) throw new Error('the learner worker got work before its setup');
  return learner;
}

async function start(config: WorkerSetup): Promise<void> {
  const backend = await selectBackend(config.backend);
  if (backend !== config.backend) throw new Error(`the worker started ${backend}, not ${config.backend}`);
  setup = config;
  learner = createMethodLearner(config.method, config.learner);
  const { restore } = config;
  // An imported policy is where every actor starts (each member of an ensemble alike).
  if (config.initialActor)
    for (const actor of learner.actors) loadWeightsInto(actor, config.initialActor, 'the imported policy');
  if (restore) {
    const saved = [restore.weights.actor, ...restore.weights.members];
    if (saved.length !== learner.actors.length)
      throw new Error(
        `the checkpoint has ${saved.length} actors, the method ${config.method} needs ${learner.actors.length}`,
      );
    learner.actors.forEach((actor, k) => loadWeightsInto(actor, saved[k], 'the checkpoint’s actor'));
    if (learner.proxyQ) {
      if (!restore.weights.proxyQ) throw new Error('the checkpoint has no proxy Q');
      loadWeightsInto(learner.proxyQ, restore.weights.proxyQ, 'the checkpoint’s proxy Q');
    }
    if (learner.proxyQTarget)
      loadWeightsInto(
        learner.proxyQTarget,
        restore.weights.proxyQTarget ?? (restore.weights.proxyQ as LearnerWeights['actor']),
        'the checkpoint’s target proxy Q',
      );
    for (let k = 0; k < restore.transitions.count; k++)
      learner.observe(unpackTransition(restore.transitions, k));
    learner.restoreState(restore.state);
  }
  const packed = await weights(learner);
  send({ type: 'ready', weights: packed, numTensors: tf.memory().numTensors }, weightBuffers(packed));
}

async function takeTransitions(message: Extract<ToWorker, { type: 'transitions' }>): Promise<void> {
  const current = ready();
  let acknowledged = false;
  for (let k = 0; k < message.block.count; k++) {
    current.observe(unpackTransition(message.block, k));
    processed++;
    acknowledged = false;
    // Idle re-runs of the proxy-Q round only when the learner keeps up with the loop.
    const report = current.afterStep(message.caughtUp && k === message.block.count - 1);
    if (report.bcSteps === 0 && report.qSteps === 0) continue;
    const threshold =
      setup?.recomputeThreshold && report.qSteps > 0 && current.recomputedThreshold
        ? current.recomputedThreshold(setup.delta)
        : null;
    await sendTrained({ type: 'updated', report, threshold }, message.at);
    acknowledged = true;
  }
  if (!acknowledged) send({ type: 'processed', processed });
}

async function sendTrained(
  result:
    | { type: 'fitted'; epsilon: number; heldOutQ: Float32Array }
    | { type: 'updated'; report: UpdateReport; threshold: number | null },
  at: StepStamp,
): Promise<void> {
  const current = ready();
  const packed = await weights(current);
  const transfer = weightBuffers(packed);
  if (result.type === 'fitted') transfer.push(result.heldOutQ.buffer as ArrayBuffer);
  send(
    { ...result, processed, at, weights: packed, state: current.state(), numTensors: tf.memory().numTensors },
    transfer,
  );
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'setup':
      return start(message.setup);
    case 'transitions':
      return takeTransitions(message);
    case 'initialFit': {
      const fit = ready().initialFit();
      return sendTrained({ type: 'fitted', epsilon: fit.epsilon, heldOutQ: fit.heldOutQ }, message.at);
    }
    case 'evaluate': {
      const current = ready();
      current.prepareEvaluation?.();
      const { env, seeds } = (setup as WorkerSetup).evaluation;
      const result = evaluatePolicy((obs, count) => current.act(obs, count), env, seeds);
      return send({ type: 'evaluated', at: message.at, result });
    }
  }
}

// One message at a time, in order: a request applies to exactly the transitions sent before it.
let queue = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(async () => {
    if (failed) return;
    try {
      await handle(message);
    } catch (error) {
      failed = true;
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  });
});
