import nx from '@nx/eslint-plugin';

// Module boundaries (docs/architecture.md, Services): apps depend on libs, never the reverse; the domain
// depends on nothing but util and may not import any I/O or framework package.
const IO_AND_FRAMEWORKS = ['@nestjs/*', 'typeorm', 'kafkajs', 'ioredis', 'pg', 'express'];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/.nx', '**/.kafka', '**/.rotor', '**/coverage', '**/src/generated'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:infra', 'type:util', 'type:testing', 'type:client'] },
            // Clients (the typed API client and what is built on it) run in browsers and in other teams' services;
            // they may read the event contracts (the Redis client that follows SecretsUpdated validates with them).
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:client', 'type:contracts', 'type:domain', 'type:util'], bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'express'] },
            // The console is a browser app: only the API client and the browser-safe domain rules.
            { sourceTag: 'type:console', onlyDependOnLibsWithTags: ['type:client', 'type:domain', 'type:util'], bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'express', 'kafkajs', 'ioredis'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:domain', 'type:util', 'type:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: IO_AND_FRAMEWORKS },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: [], bannedExternalImports: IO_AND_FRAMEWORKS },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:contracts', 'type:util', 'type:client'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util'] },
            // Developer commands (bench, chaos, migrate) drive the platform from outside, like the e2e suite.
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:testing', 'type:infra', 'type:contracts', 'type:util', 'type:client'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:rotation-config', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:rotation-scheduler', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:redis-executor', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:secret-store', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:alerts', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['tools/**/*.ts', '**/*.spec.ts', '**/*.spec.tsx', 'apps/console/vite.config.mts', '**/test/**/*.ts', '**/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
