import { RotorError } from '@rotor/util';

/** `true`/`false` in a query string; absent → the fallback. */
export function queryBoolean(value: unknown, field: string, fallback = false): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw RotorError.validation('REQUEST.INVALID', [{ field, message: 'must be true or false' }]);
}

/** A required, non-empty query string parameter. */
export function queryString(value: unknown, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw RotorError.validation('REQUEST.INVALID', [{ field, message: 'is required' }]);
}

/** An optional query string parameter (a repeated one is refused). */
export function optionalQueryString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  throw RotorError.validation('REQUEST.INVALID', [{ field, message: 'must be given once' }]);
}
