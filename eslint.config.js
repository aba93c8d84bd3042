// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/reports/**',
      '**/sdk/**',
      '.ci/cache/**',
      'helm/**/charts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    // The web client runs in the browser; Svelte components parse their TypeScript with typescript-eslint.
    files: ['web/src/**/*.svelte', 'web/src/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Scripts and tests may print; the app logs through pino.
    files: ['scripts/**', '**/test/**', '**/bench/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
  prettier,
  ...svelte.configs.prettier,
);
