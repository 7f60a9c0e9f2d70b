import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, SealContext } from '@rotor/crypto';
import { SecretLocation } from './secret-location';

/**
 * Seals and opens secret values. The associated data binds each ciphertext to its project,
 * its folder and key, and its version: a value copied to another project, key or version
 * (even an older version of the same key) fails to open.
 */
@Injectable()
export class SecretSealer {
  constructor(private readonly cipher: EnvelopeCipher) {}

  seal(loc: SecretLocation, version: number, plaintext: string): string {
    return this.cipher.seal(plaintext, secretValueContext(loc, version));
  }

  open(loc: SecretLocation, version: number, sealed: string): string {
    return this.cipher.open(sealed, secretValueContext(loc, version));
  }
}

/** JSON keeps the owner unambiguous whatever characters an environment, path or key holds. */
export function secretValueContext(loc: SecretLocation, version: number): SealContext {
  return {
    projectId: loc.projectId,
    owner: `secret:${JSON.stringify([loc.environment, loc.secretPath, loc.secretKey])}`,
    field: `value@v${version}`,
  };
}
