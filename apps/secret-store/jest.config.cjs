module.exports = { displayName: 'secret-store', preset: '../../jest.preset.cjs', rootDir: '.' };
