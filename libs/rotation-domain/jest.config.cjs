module.exports = { displayName: 'rotation-domain', preset: '../../jest.preset.cjs', rootDir: '.' };
