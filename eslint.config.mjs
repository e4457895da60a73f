// Lint rules: typescript-eslint recommended, plus the layer rules from STYLE.md —
// only main/shell and preload may import electron; the renderer may not import Node or Kafka, and
// of the engine's modules it may import only the contract (main/api/contract), from any folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'child_process', 'net', 'http', 'os', 'crypto', 'stream'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/shell/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only main/shell may import electron.' },
            {
              name: 'kafkajs',
              message: 'Import kafkajs values from main/broker/kafkajs (it fixes kafkajs first).',
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['main/broker/kafkajs.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['main/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'kafkajs', ...nodeBuiltins],
          patterns: [
            { group: ['node:*'], message: 'The renderer may not import Node.' },
            {
              // gitignore semantics: a folder's children are re-included one level at a time
              group: [
                '**/main/*',
                '!**/main/api',
                '**/main/api/*',
                '!**/main/api/contract',
                '**/preload/*',
              ],
              message:
                'The renderer may import only the contract (main/api/contract) from the engine.',
            },
          ],
        },
      ],
    },
  },
);
