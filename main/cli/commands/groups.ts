// Commands made of sub-commands (`aim export dataset`, `aim sessions list`, `aim db backup`): the
// first word picks the sub-command, whose own flags and help follow. Sub-commands may take
// positional arguments (`aim sessions show 3`), which are separated from the flags here.
import { commandHelp, UsageError, type CommandSpec } from '../args.ts';

export interface Subcommand {
  spec: CommandSpec;
  run(argv: string[]): number | Promise<number>;
}

export interface CommandGroup {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}

export function commandGroup(
  name: string,
  summary: string,
  subcommands: Record<string, Subcommand>,
): CommandGroup {
  const words = Object.keys(subcommands);
  const spec: CommandSpec = {
    name,
    summary,
    usage: `aim ${name} <${words.join('|')}> … (aim ${name} <${words.join('|')}> --help)`,
    flags: {},
    examples: Object.values(subcommands).flatMap((s) => s.spec.examples?.slice(0, 1) ?? []),
  };
  return {
    spec,
    async run(argv) {
      const [word, ...rest] = argv;
      if (word === undefined || word === '--help' || word === '-h') {
        process.stdout.write(`${groupHelp(spec, subcommands)}\n`);
        return word === undefined ? 2 : 0;
      }
      const sub = subcommands[word];
      if (!sub)
        throw new UsageError(
          `unknown sub-command "${word}"; choose ${words.join(', ')} (see aim ${name} --help)`,
        );
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(`${commandHelp(sub.spec)}\n`);
        return 0;
      }
      return sub.run(rest);
    },
  };
}

function groupHelp(spec: CommandSpec, subcommands: Record<string, Subcommand>): string {
  const width = Math.max(...Object.keys(subcommands).map((w) => w.length)) + 2;
  return [
    `aim ${spec.name} — ${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    '',
    'Sub-commands:',
    ...Object.entries(subcommands).map(([word, s]) => `  ${word.padEnd(width)}${s.spec.summary}`),
  ].join('\n');
}

/**
 * Splits argv into positional arguments and flags (a flag that takes a value keeps the word after
 * it), and checks there are exactly as many positionals as `names`.
 */
export function positionals(
  spec: CommandSpec,
  argv: string[],
  names: readonly string[],
): { values: string[]; flags: string[] } {
  const values: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      values.push(arg);
      continue;
    }
    flags.push(arg);
    const flag = spec.flags[arg.replace(/^--?/, '').split('=')[0]];
    if (flag !== undefined && flag.type !== 'boolean' && !arg.includes('=') && i + 1 < argv.length)
      flags.push(argv[++i]);
  }
  if (values.length !== names.length) {
    const wanted = names.map((n) => n.toUpperCase()).join(' ');
    throw new UsageError(
      values.length < names.length
        ? `aim ${spec.name} needs ${wanted} (see aim ${spec.name} --help)`
        : `aim ${spec.name} takes only ${wanted}; got "${values.slice(names.length).join(' ')}" as well`,
    );
  }
  return { values, flags };
}

/** A session id from the command line: a positive whole number. */
export function sessionIdOf(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1)
    throw new UsageError(`a session id is a positive whole number; got "${text}"`);
  return id;
}
