// Component tests: jsdom, with .tsx compiled by SWC (React's automatic JSX runtime).
const preset = require('../../jest.preset.cjs');

// Every component test runs in a half-hour-offset zone, so a UTC/local mix-up fails. Set here,
// in the parent process, so the workers start in it.
process.env.TZ = 'Asia/Kolkata';

module.exports = {
  ...preset,
  displayName: 'console',
  rootDir: '.',
  testEnvironment: 'jsdom',
  moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: { ...preset.moduleNameMapper, '\\.css$': '<rootDir>/src/test-support/style-stub.cjs' },
  setupFiles: ['<rootDir>/src/test-support/jsdom-setup.cjs'],
  testMatch: ['**/?(*.)+(spec|test).ts?(x)'],
};
