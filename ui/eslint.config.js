import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      // Generated from the Rust types (crates/core); a Rust test fails when it is stale.
      'src/lib/ipc/bindings.ts',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    files: ['*.config.js', '*.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // One module talks to the Rust side: src/lib/ipc/index.ts.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@tauri-apps/api/core',
              message: 'Call the backend through src/lib/ipc (the one module that uses invoke).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/lib/ipc/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tauri commands reject with plain `{code, message}` objects; the fakes must too.
    files: ['src/**/*.test.ts', 'src/test/**'],
    rules: { '@typescript-eslint/prefer-promise-reject-errors': 'off' },
  },
);
