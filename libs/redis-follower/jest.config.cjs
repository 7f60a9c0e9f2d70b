module.exports = { displayName: 'redis-follower', preset: '../../jest.preset.cjs', rootDir: '.' };
