module.exports = { displayName: 'redis-acl', preset: '../../jest.preset.cjs', rootDir: '.' };
