// Finding and loading a compiled add-on, the same way for each of ours (native/*). Run from source (ES
// modules) relative paths start at the caller's import.meta.url. Bundled as CommonJS by esbuild
// (Electron's dist/electron/main.cjs, the learner worker) import.meta is an empty object, and the
// bundle's own __filename is where the code runs from: relative candidates then resolve from
// dist/electron/, and package names from the checkout's node_modules either way.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export function moduleUrl(importMetaUrl: string | undefined): string {
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  if (importMetaUrl === undefined) throw new Error('neither import.meta.url nor __filename is available');
  return importMetaUrl;
}

export interface AddonLoad<T> {
  binding: T | null;
  /** Why no candidate loaded, one reason per candidate; null when one did. */
  error: string | null;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** Whether `value` is an object with a function under every one of `functions`. */
export function hasFunctions(value: unknown, functions: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    functions.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}

/**
 * The first of `candidates` (package names, or paths from the calling module) that loads and exports
 * every one of `functions`; never throws, so a machine without the add-on runs everything else.
 */
export function loadAddon<T>(
  importMetaUrl: string | undefined,
  candidates: readonly string[],
  functions: readonly string[],
  name: string,
): AddonLoad<T> {
  let require: NodeJS.Require;
  try {
    require = createRequire(moduleUrl(importMetaUrl));
  } catch (error) {
    return { binding: null, error: `cannot create a require function: ${firstLine(error)}` };
  }
  const errors: string[] = [];
  for (const specifier of candidates) {
    try {
      const candidate: unknown = require(specifier);
      if (hasFunctions(candidate, functions)) return { binding: candidate as T, error: null };
      errors.push(`${specifier}: not the ${name} add-on`);
    } catch (error) {
      errors.push(`${specifier}: ${firstLine(error)}`);
    }
  }
  return { binding: null, error: errors.join('; ') };
}
