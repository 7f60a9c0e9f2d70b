// Integration tests start real redis-server processes; a failover or a cluster join takes seconds.
module.exports = { displayName: 'redis-acl', preset: '../../jest.preset.cjs', rootDir: '.', testTimeout: 30_000 };
