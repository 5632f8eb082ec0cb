// Runs every test with node's own runner: unit tests beside the code, then the cross-module tests
// under test/ (browser and Electron end-to-end). `--unit` runs only the fast unit tests.
import { spawnSync } from 'node:child_process';

const unitOnly = process.argv.includes('--unit');
const patterns = ['main/**/*.test.ts', 'test/unit/**/*.test.ts'];
if (!unitOnly) patterns.push('test/e2e/**/*.test.ts');

const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...patterns], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
