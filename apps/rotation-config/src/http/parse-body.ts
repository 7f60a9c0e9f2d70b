import { z } from 'zod';
import { toFieldIssues } from '@rotor/rotation-domain';
import { RotorError } from '@rotor/util';

/**
 * The gateway has validated the request already; this guards the service against any other
 * caller, with the same 400 body (every bad field named, no value echoed).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw RotorError.validation('REQUEST.INVALID', toFieldIssues(result.error.issues));
}
