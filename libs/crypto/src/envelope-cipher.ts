import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SEALED_PREFIX } from '@rotor/contracts';
import { CryptoError } from './crypto.error';
import { ROOT_KEY_BYTES } from './root-key';

/** What a sealed value belongs to; it is bound in as associated data, never stored. */
export interface SealContext {
  projectId: string;
  owner: string;
  field: string;
}

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** iv | tag | encrypted data key */
const WRAPPED_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;
const HEADER_BYTES = WRAPPED_BYTES + IV_BYTES + TAG_BYTES;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CACHED_KEYS = 1024;

interface DataKey {
  key: Buffer;
  wrapped: Buffer;
}

/**
 * Envelope encryption with AES-256-GCM. Each project gets a random 32-byte data key per
 * process, wrapped by the root key with the project id as associated data
 * (`dek|<projectId>`). A sealed value is
 *
 *   'enc:v1:' + base64url( wrappedKey[60] | iv[12] | tag[16] | ciphertext )
 *
 * and its associated data binds project, owner and field, so a value copied to another
 * project, owner or field does not open. Each value carries its wrapped key, so any process
 * with the root key opens it.
 */
export class EnvelopeCipher {
  readonly #rootKey: Buffer;
  readonly #ownKeys = new Map<string, DataKey>();
  /** Unwrapped data keys by project and wrapped bytes; bounded, oldest dropped first. */
  readonly #openedKeys = new Map<string, Buffer>();

  constructor(rootKey: Buffer) {
    if (!Buffer.isBuffer(rootKey) || rootKey.length !== ROOT_KEY_BYTES) {
      throw new CryptoError('CRYPTO.ROOT_KEY_INVALID', `the root key must be exactly ${ROOT_KEY_BYTES} bytes`);
    }
    this.#rootKey = Buffer.from(rootKey);
  }

  seal(plaintext: string, ctx: SealContext): string {
    checkContext(ctx);
    if (typeof plaintext !== 'string') throw new CryptoError('CRYPTO.INVALID_CONTEXT', 'only a string can be sealed');
    const dataKey = this.#dataKeyFor(ctx.projectId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, dataKey.key, iv);
    cipher.setAAD(valueAad(ctx));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const body = Buffer.concat([dataKey.wrapped, iv, cipher.getAuthTag(), ciphertext]);
    return SEALED_PREFIX + body.toString('base64url');
  }

  open(sealed: string, ctx: SealContext): string {
    checkContext(ctx);
    try {
      const body = decodeBody(sealed);
      const key = this.#unwrap(body.subarray(0, WRAPPED_BYTES), ctx.projectId);
      const iv = body.subarray(WRAPPED_BYTES, WRAPPED_BYTES + IV_BYTES);
      const tag = body.subarray(WRAPPED_BYTES + IV_BYTES, HEADER_BYTES);
      const decipher = createDecipheriv(ALGORITHM, key, iv);
      decipher.setAAD(valueAad(ctx));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // One message for every cause, so a failure reveals nothing about which part differed.
      throw new CryptoError(
        'CRYPTO.DECRYPT_FAILED',
        `cannot open the sealed ${ctx.field} of ${ctx.owner} in project ${ctx.projectId}: ` +
          'it was sealed for another context or key, or it was altered',
      );
    }
  }

  #dataKeyFor(projectId: string): DataKey {
    let dataKey = this.#ownKeys.get(projectId);
    if (!dataKey) {
      const key = randomBytes(KEY_BYTES);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, this.#rootKey, iv);
      cipher.setAAD(dataKeyAad(projectId));
      const encrypted = Buffer.concat([cipher.update(key), cipher.final()]);
      dataKey = { key, wrapped: Buffer.concat([iv, cipher.getAuthTag(), encrypted]) };
      this.#ownKeys.set(projectId, dataKey);
      this.#remember(cacheKey(projectId, dataKey.wrapped), key);
    }
    return dataKey;
  }

  #unwrap(wrapped: Buffer, projectId: string): Buffer {
    const id = cacheKey(projectId, wrapped);
    const cached = this.#openedKeys.get(id);
    if (cached) return cached;
    const decipher = createDecipheriv(ALGORITHM, this.#rootKey, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(dataKeyAad(projectId));
    decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const key = Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    this.#remember(id, key);
    return key;
  }

  #remember(id: string, key: Buffer): void {
    if (this.#openedKeys.size >= MAX_CACHED_KEYS) {
      const oldest = this.#openedKeys.keys().next().value as string;
      this.#openedKeys.delete(oldest);
    }
    this.#openedKeys.set(id, key);
  }

  /** Keeps keys out of logs: `util.inspect` and JSON show nothing of the instance. */
  toJSON(): string {
    return 'EnvelopeCipher';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'EnvelopeCipher {}';
  }
}

function decodeBody(sealed: string): Buffer {
  if (typeof sealed !== 'string' || !sealed.startsWith(SEALED_PREFIX)) throw new Error('not sealed');
  const text = sealed.slice(SEALED_PREFIX.length);
  if (!BASE64URL.test(text)) throw new Error('not base64url');
  const body = Buffer.from(text, 'base64url');
  // Refuse non-canonical encodings: otherwise a changed final character could decode to the same bytes.
  if (body.toString('base64url') !== text || body.length < HEADER_BYTES) throw new Error('malformed');
  return body;
}

function checkContext(ctx: SealContext): void {
  for (const part of ['projectId', 'owner', 'field'] as const) {
    if (typeof ctx?.[part] !== 'string' || ctx[part] === '') {
      throw new CryptoError('CRYPTO.INVALID_CONTEXT', `a seal context needs a non-empty ${part}`);
    }
  }
}

function dataKeyAad(projectId: string): Buffer {
  return Buffer.from(`dek|${projectId}`, 'utf8');
}

/** JSON keeps the three parts unambiguous ('a|b','c' ≠ 'a','b|c'). */
function valueAad(ctx: SealContext): Buffer {
  return Buffer.from(JSON.stringify(['rotor.seal.v1', ctx.projectId, ctx.owner, ctx.field]), 'utf8');
}

function cacheKey(projectId: string, wrapped: Buffer): string {
  return `${projectId}\u0000${wrapped.toString('base64')}`;
}
