// Lint: the recommended TypeScript rules, plus the project's layering rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'off',
    },
  },
  {
    // The one CommonJS file: Jest loads transformers with require().
    files: ['test/support/esbuild-jest-transform.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Runtime code never pulls in the CDK.
    files: ['lambdas/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '../../lib/*'] }] },
  },
  {
    // One module reads the environment: the contract that the stack, the construct and local mode write from.
    files: ['lambdas/**/*.ts'],
    ignores: ['lambdas/adapters/function-environment.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read settings through lambdas/adapters/function-environment.ts' }] },
  },
  {
    // Core is pure: no AWS SDK, no environment, no network.
    files: ['lambdas/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'node:http', 'node:https', 'node:dns', 'node:tls', '../adapters/*', '../handlers/*'] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'core takes its settings as arguments' }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'core does no network I/O' }],
    },
  },
);
