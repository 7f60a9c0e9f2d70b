module.exports = { displayName: 'redis-executor', preset: '../../jest.preset.cjs', rootDir: '.' };
