module.exports = { displayName: 'rotation-config', preset: '../../jest.preset.cjs', rootDir: '.' };
