module.exports = { displayName: 'crypto', preset: '../../jest.preset.cjs', rootDir: '.' };
