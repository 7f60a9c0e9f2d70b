import { createHash, randomBytes } from 'node:crypto';

/** Recognizable by secret scanners; 32 random bytes after the prefix. */
export const TOKEN_PREFIX = 'rotor_';

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens carry 256 bits of entropy, so a fast unsalted hash is enough to make a leaked table
 * useless and keeps lookup by hash a single indexed query.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
