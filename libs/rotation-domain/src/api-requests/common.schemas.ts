import { z } from 'zod';
import { parseSecretPath, secretNameProblem, slugProblem } from '../api-validation';

/** Checked for existence and access after the shape: unknown or foreign projects are a 404. */
export const projectIdSchema = z.string().min(1).max(64).describe('Id of the project (UUID).');

export const environmentSlugSchema = z
  .string()
  .min(1)
  .max(32)
  .describe('Slug of an environment of the project, e.g. "dev", "staging" or "prod".');

export function slugSchema(description: string): z.ZodType<string> {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = slugProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(`${description} A slug of 1-32 characters: lowercase letters, digits and single hyphens.`);
}

export const descriptionSchema = z
  .string()
  .max(256, { error: 'must be at most 256 characters' })
  .nullable()
  .describe('Free text, at most 256 characters.');

export const secretNameSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = secretNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A secret name: a letter or "_" first, then letters, digits or "_" (at most 128 characters).');

/**
 * Absolute folder path. Repeated and trailing slashes are normalized away; "." and ".."
 * segments are rejected (see parseSecretPath).
 */
export const secretPathSchema = z
  .string()
  .max(1024, { error: 'must be at most 256 characters' })
  .transform((raw, ctx) => {
    const result = parseSecretPath(raw);
    if (result.ok) return result.path;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  })
  .describe('Absolute folder path such as "/" or "/app/redis". "//" and a trailing "/" are normalized; "." and ".." are rejected.');

/** Booleans in a query string are the words true or false. */
export const queryBooleanSchema = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((v) => v === 'true');
