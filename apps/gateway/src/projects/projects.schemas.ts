import { z } from 'zod';
import { descriptionSchema, slugSchema } from '@rotor/rotation-domain';

export const environmentInputSchema = z.strictObject({
  slug: slugSchema('Environment slug.'),
  name: z.string().min(1).max(64),
});

export const createProjectSchema = z.strictObject({
  name: z.string().min(1).max(64).describe('Display name.'),
  slug: slugSchema('Unique project slug.'),
  description: descriptionSchema.optional(),
  environments: z
    .array(environmentInputSchema)
    .min(1)
    .max(20)
    .superRefine((envs, ctx) => {
      envs.forEach((e, i) => {
        if (envs.findIndex((o) => o.slug === e.slug) !== i) ctx.addIssue({ code: 'custom', path: [i, 'slug'], message: 'appears twice' });
      });
    })
    .optional()
    .describe('Defaults to dev (Development), staging (Staging), prod (Production).'),
});

export const listFoldersQuerySchema = z.strictObject({
  environment: z.string().min(1).max(32).optional().describe('Only the folders of this environment slug.'),
});

const environmentView = z.object({ id: z.string(), slug: z.string(), name: z.string() });
export const projectViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  environments: z.array(environmentView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const projectResponseSchema = z.object({ project: projectViewSchema });
export const projectListResponseSchema = z.object({ projects: z.array(projectViewSchema) });
export const folderListResponseSchema = z.object({
  folders: z.array(z.object({ id: z.string(), path: z.string(), environment: environmentView })),
});
