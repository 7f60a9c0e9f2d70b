import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Sealed } from '@rotor/contracts';
import { CryptoError } from './crypto.error';
import { EnvelopeCipher, SealContext } from './envelope-cipher';

const ctx: SealContext = { projectId: 'proj-1', owner: 'rot-1', field: 'password' };
const PLAINTEXT = 'correct-horse-battery-staple';

function openError(cipher: EnvelopeCipher, sealed: string, context: SealContext): CryptoError {
  try {
    cipher.open(sealed, context);
  } catch (e) {
    return e as CryptoError;
  }
  throw new Error('expected open to fail');
}

function flipByte(sealed: string, index: number): string {
  const body = Buffer.from(sealed.slice('enc:v1:'.length), 'base64url');
  body[index] ^= 0x01;
  return 'enc:v1:' + body.toString('base64url');
}

describe('EnvelopeCipher', () => {
  const rootKey = randomBytes(32);
  const cipher = new EnvelopeCipher(rootKey);

  it('opens what it sealed, including empty and non-ASCII text', () => {
    for (const text of [PLAINTEXT, '', 'pässwörd-🔑', 'x'.repeat(10_000)]) {
      expect(cipher.open(cipher.seal(text, ctx), ctx)).toBe(text);
    }
  });

  it('produces a value the contracts accept as Sealed, with no plaintext in it', () => {
    const sealed = cipher.seal(PLAINTEXT, ctx);
    expect(sealed.startsWith('enc:v1:')).toBe(true);
    expect(Sealed.safeParse(sealed).success).toBe(true);
    expect(Sealed.safeParse(PLAINTEXT).success).toBe(false);
    expect(sealed).not.toContain(PLAINTEXT);
    expect(sealed).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
  });

  it('seals one value differently each time', () => {
    expect(cipher.seal(PLAINTEXT, ctx)).not.toBe(cipher.seal(PLAINTEXT, ctx));
  });

  it('opens in another process that has the same root key', () => {
    const sealed = cipher.seal(PLAINTEXT, ctx);
    expect(new EnvelopeCipher(Buffer.from(rootKey)).open(sealed, ctx)).toBe(PLAINTEXT);
  });

  it.each([
    ['another project', { ...ctx, projectId: 'proj-2' }],
    ['another owner', { ...ctx, owner: 'rot-2' }],
    ['another field', { ...ctx, field: 'username' }],
    ['parts shifted between fields', { projectId: 'proj-1', owner: 'rot-1|password', field: 'x' }],
  ])('refuses a value moved to %s', (_what, other) => {
    const error = openError(cipher, cipher.seal(PLAINTEXT, ctx), other);
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.code).toBe('CRYPTO.DECRYPT_FAILED');
  });

  it('refuses a value sealed under another root key, in a message with no plaintext or key', () => {
    const sealed = cipher.seal(PLAINTEXT, ctx);
    const error = openError(new EnvelopeCipher(randomBytes(32)), sealed, ctx);
    expect(error.code).toBe('CRYPTO.DECRYPT_FAILED');
    expect(error.retryable).toBe(false); // consumers dead-letter it at once
    expect(error.message).not.toContain(PLAINTEXT);
    expect(error.message).not.toContain(rootKey.toString('base64'));
    expect(error.message).not.toContain(rootKey.toString('hex'));
    expect(error.message).not.toContain(sealed.slice(7, 40));
  });

  it('refuses a value with any single byte flipped: wrapped key, iv, tag or ciphertext', () => {
    const sealed = cipher.seal(PLAINTEXT, ctx);
    const length = Buffer.from(sealed.slice(7), 'base64url').length;
    for (let i = 0; i < length; i++) {
      expect(openError(cipher, flipByte(sealed, i), ctx).code).toBe('CRYPTO.DECRYPT_FAILED');
    }
  });

  it.each([
    ['plaintext', PLAINTEXT],
    ['no prefix', 'v1:abc'],
    ['an empty body', 'enc:v1:'],
    ['not base64url', 'enc:v1:ab+/'],
    ['a truncated body', 'enc:v1:AAAA'],
  ])('refuses %s', (_what, value) => {
    expect(openError(cipher, value, ctx).code).toBe('CRYPTO.DECRYPT_FAILED');
  });

  it('refuses a truncated or re-encoded value', () => {
    const sealed = cipher.seal(PLAINTEXT, ctx);
    expect(openError(cipher, sealed.slice(0, -1), ctx).code).toBe('CRYPTO.DECRYPT_FAILED');
    expect(openError(cipher, sealed + 'A', ctx).code).toBe('CRYPTO.DECRYPT_FAILED');
  });

  it('needs a full context and a 32-byte root key', () => {
    expect(() => cipher.seal(PLAINTEXT, { ...ctx, owner: '' })).toThrow(expect.objectContaining({ code: 'CRYPTO.INVALID_CONTEXT' }));
    expect(() => new EnvelopeCipher(randomBytes(16))).toThrow(expect.objectContaining({ code: 'CRYPTO.ROOT_KEY_INVALID' }));
  });

  it('keeps keys out of logs', () => {
    const c = new EnvelopeCipher(rootKey);
    c.seal(PLAINTEXT, ctx);
    for (const shown of [inspect(c, { depth: 10, showHidden: true }), JSON.stringify({ c }), String(c)]) {
      expect(shown).not.toContain(rootKey.toString('base64'));
      expect(shown).not.toContain(rootKey.toString('hex'));
    }
  });

  it('does not depend on the caller keeping the root key buffer intact', () => {
    const key = randomBytes(32);
    const c = new EnvelopeCipher(key);
    const sealed = c.seal(PLAINTEXT, ctx);
    const copy = Buffer.from(key);
    key.fill(0);
    expect(c.open(sealed, ctx)).toBe(PLAINTEXT);
    expect(new EnvelopeCipher(copy).open(sealed, ctx)).toBe(PLAINTEXT);
  });
});
