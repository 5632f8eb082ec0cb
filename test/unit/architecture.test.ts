// The architecture rule of DESIGN.md, checked on the files themselves (the lint rule says the same
// for static imports): only main/electron/ imports electron, so the core runs in the CLI, workers and
// tests. TypeScript's own pre-processor lists every import — static, type-only, re-export, dynamic
// import() and require() — and ignores comments and strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCANNED = ['main', 'renderer', 'scripts', 'test'];
const ALLOWED = path.join('main', 'electron') + path.sep;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The electron modules a source imports in any form: 'electron', 'electron/main', 'electron/renderer', … */
export function electronImports(source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((file) => file.fileName)
    .filter((name) => name === 'electron' || name.startsWith('electron/'));
}

test('the detector sees every form of import, and not comments or strings', () => {
  const mod = ['elec', 'tron'].join(''); // kept out of this file's own imports
  const forms = [
    `import { app } from '${mod}';`,
    `import type { WebContents } from "${mod}";`,
    `import '${mod}';`,
    `export { ipcMain } from '${mod}/main';`,
    `const e = await import('${mod}');`,
    `const e = require('${mod}');`,
  ];
  for (const form of forms) assert.equal(electronImports(form).length, 1, form);
  assert.deepEqual(
    electronImports(
      `// import { app } from '${mod}'\nconst s = "from '${mod}'";\nimport { _electron } from 'playwright-core';`,
    ),
    [],
  );
});

test('no file outside main/electron/ imports electron', () => {
  const files = SCANNED.flatMap((dir) => sourceFiles(path.join(root, dir)));
  assert.ok(files.length > 0, 'found no sources to scan');
  const offenders = files
    .map((file) => path.relative(root, file))
    .filter((rel) => !rel.startsWith(ALLOWED))
    .filter((rel) => electronImports(readFileSync(path.join(root, rel), 'utf8')).length > 0);
  assert.deepEqual(
    offenders,
    [],
    `only main/electron/ may import electron; found it in: ${offenders.join(', ')}`,
  );
});
