// The `aim` command: dispatches to one command module per verb and turns user errors into one
// clear line and a non-zero exit.
import { commandHelp, UsageError, type CommandSpec } from './args.ts';
import { runTrain, trainCommand } from './commands/train.ts';
import { benchmarkCommand, runBenchmark } from './commands/benchmark.ts';
import { runServe, serveCommand } from './commands/serve.ts';
import { benchCommand, runBench } from './commands/bench.ts';
import { evalCommand, runEval } from './commands/eval.ts';
import { reportCommand, runReport } from './commands/report.ts';
import { exportCommand } from './commands/export.ts';
import { sessionsCommand } from './commands/sessions.ts';
import { dbCommand } from './commands/db.ts';

interface Command {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  train: { spec: trainCommand, run: runTrain },
  eval: { spec: evalCommand, run: runEval },
  report: { spec: reportCommand, run: runReport },
  serve: { spec: serveCommand, run: runServe },
  bench: { spec: benchCommand, run: runBench },
  benchmark: { spec: benchmarkCommand, run: runBenchmark },
  export: exportCommand,
  sessions: sessionsCommand,
  db: dbCommand,
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'aim — AIM Workstation: robot-gated interactive imitation learning from the command line',
    '',
    'Usage: aim <command> [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map(({ spec }) => `  ${spec.name.padEnd(width)}${spec.summary}`),
    '',
    'Run "aim <command> --help" for the options of a command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(
      `aim: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')} (see aim --help)\n`,
    );
    return 2;
  }
  // Commands with sub-commands (bench, export, sessions, db) show their own help after the sub-command word.
  if (
    !['bench', 'export', 'sessions', 'db'].includes(name) &&
    (rest.includes('--help') || rest.includes('-h'))
  ) {
    process.stdout.write(`${commandHelp(command.spec)}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`aim ${name}: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
