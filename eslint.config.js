// Lint rules that keep the architecture of DESIGN.md: which room may import what.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'http',
  'net',
  'crypto',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'results/', 'native/build/', '.aim/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Only the Electron host may touch electron: the core must run in the CLI, workers and tests.
    files: ['main/**/*.ts', 'renderer/**/*.{ts,tsx}', 'scripts/**/*.ts', 'test/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only main/electron/ may import electron.' }] },
      ],
    },
  },
  {
    // The contract is shared by the renderer and the core: no Node, no DOM.
    files: ['main/contract/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'electron', 'react*', '../*/**', '!./**'],
              message: 'main/contract imports only itself and pure libraries.',
            },
          ],
        },
      ],
    },
  },
  {
    // Simulators are pure and deterministic: no I/O, no TF.js.
    files: ['main/sim/**/*.ts', 'main/experts/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                'electron',
                '@tensorflow/*',
                '../../store/**',
                '../../session/**',
                '../../learn/**',
                '../store/**',
                '../session/**',
                '../learn/**',
              ],
              message: 'sim/ and experts/ are pure: no I/O, no TF.js, no upward imports.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer sees the core only through the contract.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/main/*',
                '!**/main/contract',
                '**/main/!(contract)/**',
                ...nodeBuiltins,
                'electron',
              ],
              message: 'The renderer imports from the core only main/contract.',
            },
          ],
        },
      ],
    },
  },
);
