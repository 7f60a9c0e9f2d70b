import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptoError } from './crypto.error';
import { loadRootKey } from './root-key';

describe('loadRootKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rotor-root-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function thrown(fn: () => unknown): CryptoError {
    try {
      fn();
    } catch (e) {
      return e as CryptoError;
    }
    throw new Error('expected an error');
  }

  it('takes ROTOR_ROOT_KEY when it is the base64 of 32 bytes, touching no file', () => {
    const key = randomBytes(32);
    const file = join(dir, 'never', 'root.key');
    expect(loadRootKey({ env: { ROTOR_ROOT_KEY: key.toString('base64') }, file }).equals(key)).toBe(true);
    expect(loadRootKey({ env: { ROTOR_ROOT_KEY: key.toString('base64url') }, file }).equals(key)).toBe(true);
    expect(() => statSync(file)).toThrow();
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64'), 'it decodes to 16 bytes'],
    ['33 bytes', randomBytes(33).toString('base64'), 'it decodes to 33 bytes'],
    ['not base64', 'this is not a key!', 'it is not valid base64'],
  ])('rejects a ROTOR_ROOT_KEY of %s, naming the variable but not the value', (_what, value, why) => {
    const error = thrown(() => loadRootKey({ env: { ROTOR_ROOT_KEY: value }, file: join(dir, 'root.key') }));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.code).toBe('CRYPTO.ROOT_KEY_INVALID');
    expect(error.message).toContain('ROTOR_ROOT_KEY must be the base64 encoding of exactly 32 bytes');
    expect(error.message).toContain(why);
    expect(error.message).not.toContain(value);
  });

  it('creates the key file with mode 0600 in a 0700 directory, warns once, and reuses it', () => {
    const file = join(dir, '.rotor', 'root.key');
    const log = jest.fn();
    const first = loadRootKey({ env: {}, file, log });
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.rotor')).mode & 0o777).toBe(0o700);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/production must supply its own key/);
    expect(log.mock.calls[0][0]).not.toContain(first.toString('base64'));

    const second = loadRootKey({ env: {}, file, log });
    expect(second.equals(first)).toBe(true);
    expect(log).toHaveBeenCalledTimes(1);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('base64'));
  });

  it('finds the file through ROTOR_ROOT_KEY_FILE', () => {
    const file = join(dir, 'from-env.key');
    const key = loadRootKey({ env: { ROTOR_ROOT_KEY_FILE: file }, log: () => undefined });
    expect(readFileSync(file, 'utf8').trim()).toBe(key.toString('base64'));
  });

  it('defaults to .rotor/root.key under the working directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const key = loadRootKey({ env: {}, log: () => undefined });
      expect(readFileSync(join(dir, '.rotor', 'root.key'), 'utf8').trim()).toBe(key.toString('base64'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads a file of 32 raw bytes', () => {
    const file = join(dir, 'raw.key');
    const key = randomBytes(32);
    writeFileSync(file, key, { mode: 0o600 });
    expect(loadRootKey({ env: {}, file }).equals(key)).toBe(true);
  });

  it('rejects a key file of the wrong size, naming the file', () => {
    const file = join(dir, 'short.key');
    writeFileSync(file, randomBytes(16).toString('base64'), { mode: 0o600 });
    const error = thrown(() => loadRootKey({ env: {}, file }));
    expect(error.code).toBe('CRYPTO.ROOT_KEY_INVALID');
    expect(error.message).toContain(file);
  });

  it('warns about a key file that other users can read', () => {
    const file = join(dir, 'open.key');
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o644 });
    const log = jest.fn();
    loadRootKey({ env: {}, file, log });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('chmod 600'));
  });
});
