module.exports = { displayName: 'util', preset: '../../jest.preset.cjs', rootDir: '.' };
