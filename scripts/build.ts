// Bundles what cannot run as plain TypeScript under Node: the renderer (for the browser and Electron's
// window), the Electron main process and preload, and the learner's worker thread that the main
// process starts. The core, CLI and tests run from source.
import { build, type BuildOptions } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const production = process.argv.includes('--production');

const common: BuildOptions = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

async function buildRenderer(): Promise<void> {
  const dir = path.join(out, 'renderer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    ...common,
    // The chase camera draws in a worker of its own (renderer/src/views/chase/chase-worker.ts).
    entryPoints: { app: 'renderer/src/main.tsx', 'chase-worker': 'renderer/src/views/chase/chase-worker.ts' },
    outdir: dir,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  });
  cpSync(path.join(root, 'renderer/index.html'), path.join(dir, 'index.html'));
}

async function buildElectron(): Promise<void> {
  const dir = path.join(out, 'electron');
  rmSync(dir, { recursive: true, force: true });
  const node: BuildOptions = {
    ...common,
    platform: 'node',
    target: ['node22'],
    format: 'cjs',
    // Native and heavy modules load from node_modules at run time.
    external: ['electron', 'better-sqlite3', '@tensorflow/*'],
  };
  const core: BuildOptions = {
    ...node,
    // CommonJS has no import.meta; the core falls back to __filename where it needs its own path
    // (async-learner.ts finds learner-worker.cjs beside main.cjs).
    logOverride: { 'empty-import-meta': 'silent' },
  };
  await build({
    ...core,
    entryPoints: { main: 'main/electron/main.ts' },
    outExtension: { '.js': '.cjs' },
    outdir: dir,
  });
  // The learner's worker thread (main/learn/async-learner.ts resolves it beside main.cjs).
  await build({
    ...core,
    entryPoints: { 'learner-worker': 'main/learn/learner-worker.ts' },
    outExtension: { '.js': '.cjs' },
    outdir: dir,
  });
  // A sandboxed preload may only require('electron'): everything else is bundled in.
  await build({
    ...node,
    entryPoints: { preload: 'main/electron/preload.ts' },
    outExtension: { '.js': '.cjs' },
    outdir: dir,
  });
}

await Promise.all([buildRenderer(), buildElectron()]);
