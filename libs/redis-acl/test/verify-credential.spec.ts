import { probeCredential, rotateUser, verifyCredential, type RedisTls } from '../src';
import { address, newPassword, rejectionOf, rotationUsers, singleTarget } from './fixtures';
import { RedisFleet, freePort, type RedisServer, type TlsMaterial } from '@rotor/testing';

const fleet = new RedisFleet();
let plain: RedisServer;
let secure: RedisServer;
let material: TlsMaterial;

beforeAll(async () => {
  material = await fleet.tls();
  [plain, secure] = await Promise.all([fleet.start(), fleet.start({ tls: material })]);
});
afterAll(() => fleet.stopAll());

const tls = (overrides: Partial<RedisTls> = {}): RedisTls => ({ enabled: true, caCertificate: material.ca, rejectUnauthorized: true, servername: null, ...overrides });

describe('verifying a credential on a fresh connection', () => {
  it("accepts the user's password, whatever characters it holds, and keeps Redis' own answer", async () => {
    const [user] = rotationUsers();
    const password = `${newPassword()} \r\n*1\r\n$4\r\nPING é`;
    await rotateUser(singleTarget(plain), { username: user, password, rules: ['~*', '+@all'] });
    await expect(probeCredential(address(plain), null, user, password)).resolves.toEqual({ ok: true, answer: 'PONG' });
  });

  it('says NOPERM is accepted when the scope leaves out PING, and a wrong password is not, with the password masked', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(plain), { username: user, password, rules: ['~app:*', '+get'] });
    await expect(probeCredential(address(plain), null, user, password)).resolves.toMatchObject({ ok: true, answer: expect.stringMatching(/^NOPERM/) });
    const wrong = await probeCredential(address(plain), null, user, `${password}-old`);
    expect(wrong).toEqual({ ok: false, answer: expect.stringMatching(/^WRONGPASS/) });
    expect(wrong.answer).not.toContain(password);
  });

  it('verifies over TLS, and tells a certificate it cannot trust or a closed port apart from a rejection', async () => {
    const [user] = rotationUsers();
    const password = newPassword();
    await rotateUser(singleTarget(secure, { tls: tls() }), { username: user, password, rules: ['+@all'] });
    await expect(verifyCredential(address(secure), tls(), user, password)).resolves.toBe(true);
    await expect(verifyCredential(address(secure), tls(), user, 'not-it')).resolves.toBe(false);

    const untrusted = await rejectionOf(verifyCredential(address(secure), tls({ caCertificate: material.otherCa }), user, password));
    expect(untrusted).toMatchObject({ code: 'tls', node: secure.name, retryable: false });
    const port = await freePort(0);
    const closed = await rejectionOf(verifyCredential({ host: '127.0.0.1', port }, null, user, password));
    expect(closed).toMatchObject({ code: 'unreachable', node: `127.0.0.1:${port}`, retryable: true });
    // A plaintext client on the TLS port gets no answer it can read: unreachable, never "rejected".
    const plaintext = await rejectionOf(verifyCredential(address(secure), null, user, password));
    expect(plaintext).toMatchObject({ code: 'unreachable', retryable: true });
    expect(plaintext.message).not.toContain(password);
  });
});
