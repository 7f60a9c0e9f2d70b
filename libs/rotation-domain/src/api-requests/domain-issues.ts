import type { z } from 'zod';
import { FieldIssue } from '@rotor/util';

/**
 * Reports issues from a domain validator (which names fields absolutely, e.g.
 * `parameters.passwordRequirements.length`) inside a zod refinement at `base`, so the final
 * field name is the same whichever way it is reached.
 */
export function addDomainIssues(ctx: z.RefinementCtx, issues: readonly FieldIssue[], base: string): void {
  for (const issue of issues) {
    const rest = issue.field === base ? '' : issue.field.startsWith(`${base}.`) ? issue.field.slice(base.length + 1) : '';
    ctx.addIssue({ code: 'custom', message: issue.message, path: rest === '' ? [] : rest.split('.') });
  }
}

/** A whole number in [min, max], with one sentence for every way to miss it. */
export function wholeNumberMessage(min: number, max: number): string {
  return `must be a whole number from ${min} to ${max}`;
}
