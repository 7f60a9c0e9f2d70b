import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CryptoError } from './crypto.error';

export const ROOT_KEY_BYTES = 32;
export const ROOT_KEY_ENV = 'ROTOR_ROOT_KEY';
export const ROOT_KEY_FILE_ENV = 'ROTOR_ROOT_KEY_FILE';

export interface LoadRootKeyOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides ROTOR_ROOT_KEY_FILE and the default `<cwd>/.rotor/root.key`. */
  file?: string;
  /** Where warnings go; never given the key. Default: process.emitWarning. */
  log?: (message: string) => void;
}

const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

/**
 * The root key that wraps every project's data key, from (in order):
 * 1. ROTOR_ROOT_KEY — base64 of exactly 32 bytes;
 * 2. the key file — `file`, else ROTOR_ROOT_KEY_FILE, else `<cwd>/.rotor/root.key` — holding
 *    the key as base64 text (or 32 raw bytes);
 * 3. a new random key written to that file (mode 0600, directory 0700) with a warning: fine
 *    for development, but production must supply its own key, or losing the file loses
 *    every sealed value.
 */
export function loadRootKey(options: LoadRootKeyOptions = {}): Buffer {
  const env = options.env ?? process.env;
  const log = options.log ?? ((message: string) => process.emitWarning(message, { code: 'ROTOR_ROOT_KEY' }));

  const fromEnv = env[ROOT_KEY_ENV]?.trim();
  if (fromEnv) {
    const key = decodeBase64Key(fromEnv);
    if (!key) {
      throw new CryptoError(
        'CRYPTO.ROOT_KEY_INVALID',
        `${ROOT_KEY_ENV} must be the base64 encoding of exactly ${ROOT_KEY_BYTES} bytes (${describe(fromEnv)}); ` +
          `generate one with: openssl rand -base64 ${ROOT_KEY_BYTES}`,
      );
    }
    return key;
  }

  const file = resolve(options.file ?? (env[ROOT_KEY_FILE_ENV]?.trim() || join(process.cwd(), '.rotor', 'root.key')));
  if (existsSync(file)) return readKeyFile(file, log);
  return createKeyFile(file, log);
}

function readKeyFile(file: string, log: (message: string) => void): Buffer {
  const raw = readFileSync(file);
  const key = decodeBase64Key(raw.toString('utf8').trim()) ?? (raw.length === ROOT_KEY_BYTES ? Buffer.from(raw) : null);
  if (!key) {
    throw new CryptoError(
      'CRYPTO.ROOT_KEY_INVALID',
      `root key file ${file} (${ROOT_KEY_FILE_ENV}) must hold ${ROOT_KEY_BYTES} bytes, as base64 text or raw`,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    log(`root key file ${file} is readable by other users; restrict it with: chmod 600 ${file}`);
  }
  return key;
}

/**
 * Writes the new key to a private temporary file and hard-links it into place, so the key
 * file appears complete or not at all; if another process won the race, its key is used.
 */
function createKeyFile(file: string, log: (message: string) => void): Buffer {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(ROOT_KEY_BYTES);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file, log);
    throw e;
  } finally {
    unlinkSync(temp);
  }
  log(
    `generated a new root key in ${file}. This is for development only: production must supply its own key ` +
      `(${ROOT_KEY_ENV}, or ${ROOT_KEY_FILE_ENV} pointing at a managed file) and keep it, or sealed values are lost`,
  );
  return key;
}

function decodeBase64Key(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  return key.length === ROOT_KEY_BYTES ? key : null;
}

/** Says what is wrong with a configured key without revealing any of it. */
function describe(text: string): string {
  if (!BASE64.test(text)) return 'it is not valid base64';
  const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64').length;
  return `it decodes to ${bytes} bytes`;
}
