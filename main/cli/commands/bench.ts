// `aim bench <what>`: measured claims live here, printed as JSON, never as timed tests.
import { UsageError, commandHelp, type CommandSpec } from '../args.ts';
import { benchInputCommand, runBenchInput } from './bench-input.ts';
import { benchLearnerCommand, runBenchLearner } from './bench-learner.ts';
import { benchReviewCommand, runBenchReview } from './bench-review.ts';
import { benchSimCommand, runBenchSim } from './bench-sim.ts';
import { benchUiCommand, runBenchUi } from './bench-ui.ts';

interface Bench {
  spec: CommandSpec;
  run(argv: string[]): number | Promise<number>;
}

const BENCHES: Record<string, Bench> = {
  sim: { spec: benchSimCommand, run: runBenchSim },
  ui: { spec: benchUiCommand, run: runBenchUi },
  learner: { spec: benchLearnerCommand, run: runBenchLearner },
  review: { spec: benchReviewCommand, run: runBenchReview },
  input: { spec: benchInputCommand, run: runBenchInput },
};

export const benchCommand = {
  name: 'bench',
  summary: `benchmarks that print JSON: ${Object.keys(BENCHES).join(', ')}`,
  usage: `aim bench <${Object.keys(BENCHES).join('|')}> [options] (aim bench <what> --help)`,
  flags: {},
} satisfies CommandSpec;

export async function runBench(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  const bench = what === undefined ? undefined : BENCHES[what];
  if (!bench)
    throw new UsageError(
      `choose a benchmark: ${Object.keys(BENCHES).join(', ')}${what ? `; got "${what}"` : ''}`,
    );
  if (rest.includes('--help')) {
    process.stdout.write(`${commandHelp(bench.spec)}\n`);
    return 0;
  }
  return bench.run(rest);
}
