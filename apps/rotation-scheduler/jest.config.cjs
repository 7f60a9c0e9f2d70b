module.exports = { displayName: 'rotation-scheduler', preset: '../../jest.preset.cjs', rootDir: '.' };
