// The installer's configuration (electron-builder.yml) checked against the native add-ons on disk:
// electron-builder cannot run here (it downloads Electron), so a packaged app that silently lost its
// wheel force feedback or its BLAS learner would otherwise go unnoticed until a lab installs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  deb: { depends: string[] };
}

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  optionalDependencies: Record<string, string>;
};

/** Each add-on under native/: its package name and the libraries its binding.gyp links. */
const addons = readdirSync(path.join(root, 'native'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(root, 'native', entry.name, 'binding.gyp')))
  .map((entry) => {
    const dir = path.join(root, 'native', entry.name);
    const { name } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string };
    const gyp = readFileSync(path.join(dir, 'binding.gyp'), 'utf8');
    const libraries = [...gyp.matchAll(/'-l([\w.+-]+)'/g)].map((m) => m[1]);
    return { folder: entry.name, name, libraries };
  });

test('the project has native add-ons to package (the checks below are not vacuous)', () => {
  assert.deepEqual(addons.map((a) => a.name).sort(), ['aim-blas-matmul', 'aim-evdev-ff']);
});

test('every native add-on is installed into node_modules and unpacked from the asar archive', () => {
  assert.ok(config.files.includes('node_modules/**/*'), 'node_modules goes into the app');
  for (const addon of addons) {
    assert.equal(rootPackage.optionalDependencies[addon.name], `file:native/${addon.folder}`, addon.name);
    assert.ok(
      config.asarUnpack.includes(`**/node_modules/${addon.name}/**`),
      `${addon.name} is unpacked: a .node file cannot be loaded from inside app.asar`,
    );
  }
});

test('the deb depends on the shared library behind every add-on link flag', () => {
  const linked = addons.flatMap((a) => a.libraries);
  assert.ok(linked.includes('openblas'), 'the BLAS add-on links OpenBLAS');
  for (const library of linked)
    assert.ok(
      config.deb.depends.some((pkg) => new RegExp(`^lib${library}\\d`).test(pkg)),
      `a deb dependency provides lib${library}.so (got ${config.deb.depends.join(', ')})`,
    );
});
