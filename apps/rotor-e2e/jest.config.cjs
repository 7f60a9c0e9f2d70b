module.exports = {
  displayName: 'rotor-e2e',
  preset: '../../jest.preset.cjs',
  rootDir: '.',
  testTimeout: 120_000,
  // Files that share a platform (sharedPlatform in @rotor/testing): none left from an earlier
  // run at the start, none left running at the end.
  globalSetup: './shared-platforms.cjs',
  globalTeardown: './shared-platforms.cjs',
};
