// `aim bench learner`: gradient steps per second and achieved GFLOP/s of the actor's BC step and the
// proxy Q's AIM step at batch 1024, on every available backend. A process keeps one TF.js backend,
// so each backend is measured in a child process of its own (this command with --backend).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BACKENDS, type BackendName } from '../../contract/session-config.ts';
import { selectBackend } from '../../learn/backend.ts';
import { benchLearner } from '../../learn/bench.ts';
import { parseFlags, type CommandSpec } from '../args.ts';
import { PROJECT_ROOT } from '../paths.ts';

export const benchLearnerCommand = {
  name: 'bench learner',
  summary: "measure the learner's gradient steps (steps/s, GFLOP/s and where the time goes) per backend",
  usage: 'aim bench learner [--backend auto|tfjs-node|wasm-blas|wasm|cpu] [--batch N] [--json]',
  flags: {
    backend: {
      type: 'string',
      choices: BACKENDS,
      default: 'auto',
      description: 'auto measures every backend that starts, each in its own process.',
    },
    batch: { type: 'integer', min: 1, max: 65_536, default: 1024, description: 'Batch size.' },
    'min-ms': {
      type: 'integer',
      min: 1,
      max: 600_000,
      default: 3000,
      description: 'Minimum time per measurement, in milliseconds.',
    },
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim bench learner --json', 'aim bench learner --backend wasm --batch 256'],
} satisfies CommandSpec;

type Measured = ReturnType<typeof benchLearner> | { backend: BackendName; available: false; reason: string };

/** Measures one backend in a child process; a backend that cannot start is reported, not fatal. */
function measureInChild(backend: BackendName, batch: number, minMs: number): Measured {
  const child = spawnSync(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'bin', 'aim.mjs'),
      'bench',
      'learner',
      '--backend',
      backend,
      '--batch',
      String(batch),
      '--min-ms',
      String(minMs),
      '--json',
    ],
    { encoding: 'utf8' },
  );
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status === 0 && last.startsWith('{')) return JSON.parse(last) as Measured;
  const reason = child.stderr.trim().split('\n').pop() ?? `exit code ${child.status}`;
  return { backend, available: false, reason: reason.replace(/^aim bench: /, '') };
}

export async function runBenchLearner(argv: string[]): Promise<number> {
  const flags = parseFlags(benchLearnerCommand, argv);
  const options = { batch: flags.batch, minMs: flags['min-ms'] };
  let results: Measured[];
  if (flags.backend === 'auto') {
    const names = BACKENDS.filter((name): name is BackendName => name !== 'auto');
    results = names.map((name) => measureInChild(name, flags.batch, flags['min-ms']));
  } else {
    await selectBackend(flags.backend as BackendName);
    results = [benchLearner(options)];
  }
  const report = { bench: 'learner', node: process.versions.node, batch: flags.batch, results };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(flags.backend === 'auto' ? report : results[0])}\n`);
    return 0;
  }
  for (const result of results) {
    if ('available' in result) {
      process.stdout.write(`${result.backend}: not available (${result.reason})\n`);
      continue;
    }
    if (result.blas) {
      const { corename, threads } = result.blas;
      process.stdout.write(`${result.backend}: OpenBLAS (${corename} kernels, ${threads} thread(s))\n`);
    }
    for (const [label, t] of [
      ['actor BC step', result.actorBc],
      ['proxy-Q AIM step', result.proxyQ],
    ] as const) {
      const b = t.breakdown;
      process.stdout.write(
        `${result.backend} ${label} (batch ${result.batch}): ${t.stepsPerSecond.toFixed(1)} steps/s, ${t.msPerStep.toFixed(1)} ms, ${t.gflops.toFixed(2)} GFLOP/s (products alone ${t.matmulGflops.toFixed(2)}); ms: matmul ${b.matmul.toFixed(1)}, transpose ${b.transpose.toFixed(1)}, forward ${b.forward.toFixed(1)}, adam ${b.adam.toFixed(1)}, batch ${b.batch.toFixed(1)}\n`,
      );
    }
  }
  return 0;
}
