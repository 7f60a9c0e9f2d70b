import type { z } from 'zod';
import { FieldIssue } from '@rotor/util';

/**
 * Turns zod issues into issues that name the field as the client wrote it
 * (`rotateAtUtc.hours`, `topology.sentinels[0].port`). Unknown keys become one issue each.
 */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], opts: { prefix?: string; root?: string } = {}): FieldIssue[] {
  const { prefix = '', root = 'body' } = opts;
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: fieldPath(prefix, [...issue.path, key]) || root, message: 'is not a known field' });
      }
    } else {
      out.push({ field: fieldPath(prefix, issue.path) || root, message: issue.message });
    }
  }
  return out;
}

/**
 * A parse-level error map with plain sentences for zod's generic issues; messages that a
 * schema sets itself win over these. Input values are never echoed (they may be secrets).
 */
export function plainIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    if (issue.expected === 'int') return 'must be a whole number';
    return `must be ${article(issue.expected)}`;
  }
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return `must be one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string') return `must be at least ${issue.minimum} characters`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
  if (issue.code === 'too_small' && issue.origin === 'array') return `must have at least ${issue.minimum} items`;
  if (issue.code === 'too_big' && issue.origin === 'array') return `must have at most ${issue.maximum} items`;
  return undefined;
}

function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function article(expected: string): string {
  if (expected === 'array') return 'an array';
  if (expected === 'object') return 'an object';
  return `a ${expected}`;
}
