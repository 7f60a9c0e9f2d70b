import { RotorError } from '@rotor/util';

export type CryptoErrorCode = 'CRYPTO.DECRYPT_FAILED' | 'CRYPTO.INVALID_CONTEXT' | 'CRYPTO.ROOT_KEY_INVALID';

/**
 * A crypto failure. Its message never holds plaintext or key material. Never retryable: the
 * same bytes and keys fail the same way every time.
 */
export class CryptoError extends RotorError {
  readonly retryable = false;

  constructor(
    override readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(code, message, 'internal');
    this.name = 'CryptoError';
  }
}
