// Shared Jest preset: SWC transform (with decorator metadata for Nest) and the
// tsconfig path aliases, so every project resolves @rotor/* exactly like tsc does.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // Tests meet the real Postgres and Kafka, which the other suites keep busy on a 2-core CI
  // machine: a CREATE DATABASE or a broker round trip can take seconds there. A project that
  // needs longer says so in its own config.
  testTimeout: 30_000,
};
