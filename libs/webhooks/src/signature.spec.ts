import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signature, signatureHeader, verifySignature } from './signature';

const secret = 'whsec_test-secret';
const body = '{"event":"rotation.succeeded"}';
const now = new Date('2026-03-01T10:00:00.000Z');

describe('delivery signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 of the secret, as a receiver recomputes it', () => {
    const header = signatureHeader(secret, body, now);
    const t = now.getTime() / 1000;
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(signature(secret, t, body)).toBe(expected);
  });

  it('verifies its own signature and refuses any other body, secret or a missing header', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, header, body, { now })).toBe(true);
    expect(verifySignature(secret, header, `${body} `, { now })).toBe(false);
    expect(verifySignature('whsec_other', header, body, { now })).toBe(false);
    expect(verifySignature(secret, undefined, body, { now })).toBe(false);
    expect(verifySignature(secret, 't=abc,v1=00', body, { now })).toBe(false);
  });

  it('refuses a signature older than the tolerance (a replayed delivery)', () => {
    const header = signatureHeader(secret, body, now);
    expect(verifySignature(secret, header, body, { now: new Date(now.getTime() + 299_000) })).toBe(true);
    expect(verifySignature(secret, header, body, { now: new Date(now.getTime() + 301_000) })).toBe(false);
  });

  it('generates a different secret each time, with 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
