module.exports = { displayName: 'tools', preset: '../jest.preset.cjs', rootDir: '.', testMatch: ['<rootDir>/generators/**/*.spec.ts'] };
