module.exports = { displayName: 'tools', preset: '../jest.preset.cjs', rootDir: '.', testMatch: ['<rootDir>/**/*.spec.ts'] };
