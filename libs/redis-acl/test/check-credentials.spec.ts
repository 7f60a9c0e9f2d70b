import { checkCredentials, rotateUser } from '../src';
import { newPassword, rotationUsers, singleTarget } from './fixtures';
import { RedisFleet, aclUser, type RedisServer } from '@rotor/testing';

const fleet = new RedisFleet();
let server: RedisServer;

beforeAll(async () => {
  // No aclfile: users set at run time live in memory only, as on many real deployments.
  server = await fleet.start({ users: ['user app-owned on >app-pw-1 ~* +@all'] });
});
afterAll(() => fleet.stopAll());

describe('checkCredentials', () => {
  it('reports every credential as authenticating on every node after a rotation', async () => {
    const [active, previous] = rotationUsers();
    const pw = [newPassword(), newPassword()];
    await rotateUser(singleTarget(server), { username: active, password: pw[0], rules: ['~*', '+@all'] });
    await rotateUser(singleTarget(server), { username: previous, password: pw[1], rules: ['~app:*', '+get'] });
    const result = await checkCredentials(singleTarget(server), [
      { label: 'active', username: active, password: pw[0] },
      { label: 'previous', username: previous, password: pw[1] },
    ]);
    expect(result.nodes).toEqual([server.name]);
    expect(result.checks).toEqual([
      { label: 'active', username: active, node: server.name, ok: true, answer: 'PONG' },
      // A scope without PING still proves the connection is authenticated.
      { label: 'previous', username: previous, node: server.name, ok: true, answer: expect.stringMatching(/^NOPERM/) },
    ]);
  });

  it('reports WRONGPASS on the node once a restart without an aclfile lost the user, and changes nothing', async () => {
    const [active] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(server), { username: active, password, rules: ['~*', '+@all'] });
    const appUserBefore = await aclUser(server, 'app-owned');
    await server.restart();

    const result = await checkCredentials(singleTarget(server), [{ label: 'active', username: active, password }]);
    expect(result.checks).toEqual([
      { label: 'active', username: active, node: server.name, ok: false, answer: expect.stringMatching(/^WRONGPASS/) },
    ]);
    expect(JSON.stringify(result)).not.toContain(password);
    // Verification only reads: the user is still missing, and a user Rotor did not create is as it was.
    await expect(aclUser(server, active)).resolves.toBeNull();
    await expect(aclUser(server, 'app-owned')).resolves.toEqual(appUserBefore);
  });

  it('tells a node it cannot reach apart from a rejected credential', async () => {
    const [active] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(server), { username: active, password, rules: ['~*', '+@all'] });
    const replicas = { type: 'replicas' as const, replicas: [{ host: '127.0.0.1', port: 1 }] };
    // Discovery itself fails on an unreachable listed replica: the whole check throws, it is never "drift".
    await expect(checkCredentials(singleTarget(server, { topology: replicas }), [{ label: 'active', username: active, password }]))
      .rejects.toMatchObject({ name: 'RedisAclError' });
  });
});
