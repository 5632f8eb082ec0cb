// Flag parsing for `aim`: every command declares its flags once, and the same declaration drives
// parsing, value checks and the --help text. Unknown flags and bad values end in one clear error.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

interface FlagBase {
  description: string;
  /** Shown in help as the value's placeholder. */
  placeholder?: string;
}

export type FlagSpec =
  | (FlagBase & { type: 'boolean' })
  | (FlagBase & { type: 'string'; default?: string; choices?: readonly string[] })
  | (FlagBase & { type: 'integer'; default?: number; min?: number; max?: number })
  | (FlagBase & { type: 'number'; default?: number; min?: number; max?: number; exclusive?: boolean });

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S extends FlagSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'string' }
    ? S extends { default: string }
      ? string
      : string | undefined
    : S extends { default: number }
      ? number
      : number | undefined;

export type ParsedFlags<S extends FlagSpecs> = { [K in keyof S]: ValueOf<S[K]> };

export interface CommandSpec<S extends FlagSpecs = FlagSpecs> {
  name: string;
  summary: string;
  usage: string;
  flags: S;
  examples?: string[];
}

/** Parses argv for one command; throws UsageError naming the offending flag or value. */
export function parseFlags<S extends FlagSpecs>(command: CommandSpec<S>, argv: string[]): ParsedFlags<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(command.flags))
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify.*$/s, '')} (see aim ${command.name} --help)`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.flags))
    out[name] = convert(command.name, name, spec, values[name]);
  return out as ParsedFlags<S>;
}

function convert(command: string, name: string, spec: FlagSpec, raw: string | boolean | undefined): unknown {
  const flag = `--${name}`;
  if (spec.type === 'boolean') return raw === true;
  if (raw === undefined) return spec.default;
  const text = String(raw);
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(text)) {
      throw new UsageError(
        `${flag} must be one of ${spec.choices.join(', ')}; got "${text}" (see aim ${command} --help)`,
      );
    }
    return text;
  }
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (spec.type === 'integer' && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `${flag} needs ${spec.type === 'integer' ? 'a whole number' : 'a number'}; got "${text}"`,
    );
  }
  if (
    spec.min !== undefined &&
    (spec.type === 'number' && spec.exclusive ? value <= spec.min : value < spec.min)
  ) {
    throw new UsageError(
      `${flag} must be ${spec.type === 'number' && spec.exclusive ? 'greater than' : 'at least'} ${spec.min}; got ${value}`,
    );
  }
  if (
    spec.max !== undefined &&
    (spec.type === 'number' && spec.exclusive ? value >= spec.max : value > spec.max)
  ) {
    throw new UsageError(
      `${flag} must be ${spec.type === 'number' && spec.exclusive ? 'less than' : 'at most'} ${spec.max}; got ${value}`,
    );
  }
  return value;
}

export function commandHelp(command: CommandSpec): string {
  const rows = Object.entries(command.flags).map(([name, spec]) => {
    const value =
      spec.type === 'boolean'
        ? ''
        : ` ${spec.placeholder ?? (spec.type === 'string' && spec.choices ? spec.choices.join('|') : spec.type === 'string' ? 'TEXT' : 'N')}`;
    const fallback = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    return [`  --${name}${value}`, `${spec.description}${fallback}`];
  });
  rows.push(['  --help', 'Show this help.']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = [`aim ${command.name} — ${command.summary}`, '', `Usage: ${command.usage}`, '', 'Options:'];
  for (const [left, right] of rows) lines.push(left.padEnd(width) + right);
  if (command.examples?.length)
    lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  return lines.join('\n');
}
