import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { applyToRedis } from '../src';

// A redis-server of this file's own (a client lib may not use @rotor/testing, by its module
// boundary), on a port below the ephemeral range, with two users to move between.
const port = 31_000 + Math.floor(Math.random() * 1_500);
let server: ChildProcess;

beforeAll(async () => {
  server = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--user', 'default', 'off', '--user', 'app_0', 'on', '>first-pw', '~*', '+@all', '--user', 'app_1', 'on', '>second-pw', '~*', '+@all',
  ], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const probe = new Redis({ port, username: 'app_0', password: 'first-pw', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
});
afterAll(() => {
  server.kill();
});

describe('applyToRedis', () => {
  it('moves an open connection to the new credential', async () => {
    const client = new Redis({ host: '127.0.0.1', port, username: 'app_0', password: 'first-pw' });
    try {
      await client.ping();
      await applyToRedis(client, { username: 'app_1', password: 'second-pw', usernameVersion: 2, passwordVersion: 2 });
      expect(await client.call('ACL', 'WHOAMI')).toBe('app_1');
    } finally {
      client.disconnect();
    }
  });

  it('moves a connection caught in its handshake, which had already sent the previous credential', async () => {
    const client = new Redis({ host: '127.0.0.1', port, username: 'app_0', password: 'first-pw', lazyConnect: true });
    try {
      // ioredis emits 'connect' once its handshake AUTH (here app_0's) is on the wire.
      const applied = new Promise<void>((resolve, reject) =>
        client.once('connect', () => applyToRedis(client, { username: 'app_1', password: 'second-pw', usernameVersion: 2, passwordVersion: 2 }).then(resolve, reject)),
      );
      await client.connect();
      await applied;
      expect(await client.call('ACL', 'WHOAMI')).toBe('app_1');
    } finally {
      client.disconnect();
    }
  });

  it('moves a connection still opening its socket, which took the previous credential when it began', async () => {
    const client = new Redis({ host: '127.0.0.1', port, username: 'app_0', password: 'first-pw', lazyConnect: true });
    try {
      const connecting = client.connect();
      // ioredis takes the handshake's credential from its options when the socket starts opening.
      expect(client.status).toBe('connecting');
      await applyToRedis(client, { username: 'app_1', password: 'second-pw', usernameVersion: 2, passwordVersion: 2 });
      await connecting;
      expect(await client.call('ACL', 'WHOAMI')).toBe('app_1');
    } finally {
      client.disconnect();
    }
  });
});
