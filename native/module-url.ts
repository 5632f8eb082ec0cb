// The URL of the running module, for createRequire and for files beside it. Run from source (ES
// modules) that is the caller's import.meta.url. Bundled as CommonJS by esbuild (Electron's
// dist/electron/main.cjs, the learner worker) import.meta is an empty object, and the bundle's own
// __filename is where the code runs from: relative specifiers then resolve from dist/electron/.
import { pathToFileURL } from 'node:url';

export function moduleUrl(importMetaUrl: string | undefined): string {
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  if (importMetaUrl === undefined) throw new Error('neither import.meta.url nor __filename is available');
  return importMetaUrl;
}
