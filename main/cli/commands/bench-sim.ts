// `aim bench sim`: simulator throughput on one core (steps and resets per second, map generation).
import { benchDrivingSim } from '../../sim/driving/bench.ts';
import { benchGridSim } from '../../sim/grid/bench.ts';
import { parseFlags, type CommandSpec } from '../args.ts';

export const benchSimCommand = {
  name: 'bench sim',
  summary: 'measure simulator throughput (steps/s, resets/s, map generation ms) on one core',
  usage: 'aim bench sim [--env driving|toy|grid] [--steps N] [--json]',
  flags: {
    env: {
      type: 'string',
      choices: ['driving', 'toy', 'grid'],
      default: 'driving',
      description: 'Simulator to measure.',
    },
    steps: {
      type: 'integer',
      min: 1,
      max: 100_000_000,
      description: 'Decision steps to time (default 50000; 1000000 for grid).',
    },
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim bench sim --env driving --json', 'aim bench sim --env grid --steps 1000000 --json'],
} satisfies CommandSpec;

export function runBenchSim(argv: string[]): number {
  const flags = parseFlags(benchSimCommand, argv);
  const result =
    flags.env === 'grid'
      ? { env: 'grid', ...benchGridSim({ steps: flags.steps ?? 1_000_000 }) }
      : benchDrivingSim({ env: flags.env as 'driving' | 'toy', steps: flags.steps ?? 50_000 });
  const report = { bench: 'sim', node: process.versions.node, ...result };
  if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else
    for (const [key, value] of Object.entries(report))
      process.stdout.write(
        `${key.padEnd(22)}${typeof value === 'number' ? Number(value.toFixed(3)) : value}\n`,
      );
  return 0;
}
