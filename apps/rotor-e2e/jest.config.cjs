module.exports = {
  displayName: 'rotor-e2e',
  preset: '../../jest.preset.cjs',
  rootDir: '.',
  testTimeout: 120_000,
};
