import { checkConnection, discoverNodes, rotateUser, verifyCredential, type RedisTarget, type RedisTls } from '../src';
import { address, newPassword, rejectionOf, rotationUsers, singleTarget } from './fixtures';
import { RedisFleet, SENTINEL_PASSWORD, waitUntil, waitForReplicaLink, type RedisServer, type TlsMaterial } from '@rotor/testing';

const fleet = new RedisFleet();
let server: RedisServer;
let material: TlsMaterial;

beforeAll(async () => {
  material = await fleet.tls();
  server = await fleet.start({ tls: material });
});
afterAll(() => fleet.stopAll());

const tls = (overrides: Partial<RedisTls> = {}): RedisTls => ({
  enabled: true,
  caCertificate: material.ca,
  rejectUnauthorized: true,
  servername: null,
  ...overrides,
});

describe('a server that only speaks TLS', () => {
  it('rotates and verifies over TLS, checking the certificate against the given CA', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await expect(checkConnection(singleTarget(server, { tls: tls() }))).resolves.toBeDefined();
    await rotateUser(singleTarget(server, { tls: tls() }), { username: user, password, rules: ['+@all'] });
    await expect(verifyCredential(address(server), tls(), user, password)).resolves.toBe(true);
    await expect(verifyCredential(address(server), tls({ servername: 'localhost' }), user, password)).resolves.toBe(true);
  });

  it('sends the host name as SNI and verifies it', async () => {
    const target = { ...singleTarget(server, { tls: tls() }), host: 'localhost' };
    await expect(checkConnection(target)).resolves.toBeDefined();
  });

  it('reports a certificate from another CA as a TLS failure', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server, { tls: tls({ caCertificate: material.otherCa }) })));
    expect(e).toMatchObject({ code: 'tls', node: server.name, retryable: false });
    expect(e.message).toMatch(/TLS handshake with Redis at 127\.0\.0\.1:\d+ failed/);
  });

  it('reports a server name the certificate does not cover as a TLS failure', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server, { tls: tls({ servername: 'redis.example.com' }) })));
    expect(e).toMatchObject({ code: 'tls', node: server.name });
    expect(e.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('connects to an unverified certificate only when told not to verify', async () => {
    const target = singleTarget(server, { tls: tls({ caCertificate: material.otherCa, rejectUnauthorized: false }) });
    await expect(checkConnection(target)).resolves.toBeDefined();
  });

  it('reports a plaintext connection to the TLS port as unreachable, hinting at TLS', async () => {
    const e = await rejectionOf(checkConnection(singleTarget(server)));
    expect(e).toMatchObject({ code: 'unreachable', node: server.name, retryable: true });
    expect(e.message).toContain('requires TLS');
  });
});

describe('Sentinel over TLS', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let sentinel: RedisServer;

  beforeAll(async () => {
    primary = await fleet.start({ tls: material });
    replica = await fleet.start({ tls: material, replicaOf: primary });
    await waitForReplicaLink(replica);
    sentinel = await fleet.startSentinel(primary, 'tlsmaster', material);
    await waitUntil('the sentinel to discover the replica', () =>
      sentinel.withAdmin(async (c) => ((await c.call('SENTINEL', 'REPLICAS', 'tlsmaster')) as unknown[]).length === 1),
    );
  });

  const target = (t: RedisTls): RedisTarget => ({
    ...singleTarget(primary, { tls: t }),
    topology: { type: 'sentinel', masterName: 'tlsmaster', sentinels: [address(sentinel)], sentinelUsername: null, sentinelPassword: SENTINEL_PASSWORD },
  });

  it('talks TLS to the sentinels and to every node they name', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await expect(discoverNodes(target(tls()))).resolves.toEqual([
      { host: primary.host, port: primary.port, role: 'primary' },
      { host: replica.host, port: replica.port, role: 'replica' },
    ]);
    await rotateUser(target(tls()), { username: user, password, rules: ['+@all'] });
    await expect(verifyCredential(address(replica), tls(), user, password)).resolves.toBe(true);
  });

  it('checks the sentinel certificate too', async () => {
    const e = await rejectionOf(discoverNodes(target(tls({ caCertificate: material.otherCa }))));
    expect(e).toMatchObject({ code: 'tls', node: sentinel.name });
  });
});
