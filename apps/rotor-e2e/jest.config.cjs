module.exports = {
  displayName: 'rotor-e2e',
  preset: '../../jest.preset.cjs',
  rootDir: '.',
  testTimeout: 120_000,
  // The order of the files is shared-first.sequencer.cjs's; files on the shared platform
  // (sharedPlatform in @rotor/testing) find none left from an earlier run, a file with a platform
  // of its own runs with the shared one stopped, and none is left running at the end.
  testSequencer: './shared-first.sequencer.cjs',
  setupFilesAfterEnv: ['./test/support/one-platform-at-a-time.ts'],
  globalSetup: './shared-platforms.cjs',
  globalTeardown: './shared-platforms.cjs',
};
