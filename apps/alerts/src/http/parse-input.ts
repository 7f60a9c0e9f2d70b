import { RotorError } from '@rotor/util';
import { z } from 'zod';

/**
 * Validates request input against a zod schema; a failure is a 400 naming every field. The
 * messages are zod's, which describe what was expected and never echo the value given.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code = 'REQUEST.INVALID'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw RotorError.validation(
    code,
    result.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })),
  );
}
