import type { z } from 'zod';
import { RotorError } from '@rotor/util';
import { toFieldIssues } from './field-issues';

/**
 * Parses a request's body, query or params with `schema`; a failure is one 400 (`code`) naming
 * every bad field as the client wrote it (`toFieldIssues`: `topology.sentinels[0].port`, the
 * whole input as `body`). The messages never echo a value given. The internal services' one
 * parser; the gateway adds plain messages on top (apps/gateway/src/validation/parse-request.ts).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code = 'REQUEST.INVALID'): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw RotorError.validation(code, toFieldIssues(result.error.issues));
}
