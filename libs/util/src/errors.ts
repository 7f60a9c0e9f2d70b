/**
 * Errors carry a stable machine-readable code (`ROTATION.NOT_FOUND`) and a human sentence.
 * `details` may name fields; it must never hold a credential.
 */
export type RotorErrorKind =
  | 'validation'
  | 'unprocessable'
  | 'not-found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'too-large'
  | 'unsupported-media-type'
  | 'unavailable'
  | 'internal';

export interface FieldIssue {
  field: string;
  message: string;
}

export class RotorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: RotorErrorKind = 'internal',
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'RotorError';
  }

  static validation(code: string, issues: FieldIssue[]): RotorError {
    const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    return new RotorError(code, message, 'validation', issues);
  }

  /** A well-formed request that cannot be carried out as asked (HTTP 422). */
  static unprocessable(code: string, message: string, details: FieldIssue[] = []): RotorError {
    return new RotorError(code, message, 'unprocessable', details);
  }

  static notFound(code: string, message: string): RotorError {
    return new RotorError(code, message, 'not-found');
  }

  static conflict(code: string, message: string): RotorError {
    return new RotorError(code, message, 'conflict');
  }
}

export function isRotorError(e: unknown): e is RotorError {
  return e instanceof RotorError;
}

/**
 * Whether `e` says a retry cannot help: it carries `retryable: false` (a sealed value that
 * opens for no key here, a command the server refuses by its rules). Errors that say
 * nothing are not permanent: a consumer retries them.
 */
export function isPermanentFailure(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === false;
}
