import type { z } from 'zod';
import { plainIssueMessage, toFieldIssues } from '@rotor/rotation-domain';
import { FieldIssue, RotorError } from '@rotor/util';

export const VALIDATION_ERROR_CODE = 'REQUEST.VALIDATION_FAILED';

export type Parsed<T> = { ok: true; data: T; issues: [] } | { ok: false; data: undefined; issues: FieldIssue[] };

/** Parses a body or query with `schema`, collecting every issue with the client's field names. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, root: 'body' | 'query' = 'body'): Parsed<z.output<S>> {
  const result = schema.safeParse(input ?? (root === 'query' ? {} : undefined), { error: plainIssueMessage });
  if (result.success) return { ok: true, data: result.data, issues: [] };
  return { ok: false, data: undefined, issues: toFieldIssues(result.error.issues, { root }) };
}

/** Throws one 400 naming every field in `issues` (deduplicated), or returns. */
export function assertNoIssues(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  throw RotorError.validation(VALIDATION_ERROR_CODE, unique);
}

/** Parses and throws on any issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root: 'body' | 'query' = 'body'): z.output<S> {
  const parsed = parseRequest(schema, input, root);
  assertNoIssues(parsed.issues);
  return parsed.data as z.output<S>;
}
