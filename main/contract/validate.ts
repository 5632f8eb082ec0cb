// Runtime checks for everything that crosses a process boundary into the core.
import type { z } from 'zod';
import {
  commandSchemas,
  humanInputSchema,
  type CommandName,
  type HumanInput,
  type ParsedRequest,
} from './api.ts';

export class ContractError extends Error {
  override name = 'ContractError';
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandSchemas, name);
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(request)'}: ${issue.message}`)
    .join('; ');
}

/** Checks a command's name and arguments; throws a ContractError naming what is wrong. */
export function parseCommand<K extends CommandName>(
  name: unknown,
  request: unknown,
): { name: K; request: ParsedRequest<K> } {
  if (!isCommandName(name)) throw new ContractError(`unknown command ${JSON.stringify(name)}`);
  const result = commandSchemas[name].safeParse(request ?? {});
  if (!result.success) throw new ContractError(`invalid arguments for ${name}: ${describe(result.error)}`);
  return { name: name as K, request: result.data as ParsedRequest<K> };
}

export function parseHumanInput(sample: unknown): HumanInput {
  const result = humanInputSchema.safeParse(sample);
  if (!result.success) throw new ContractError(`invalid input sample: ${describe(result.error)}`);
  return result.data;
}
