import { z } from 'zod';

/** Query and path inputs of the internal API (the bodies' schemas come from @rotor/webhooks). */
export const ProjectQuery = z.object({ projectId: z.string().min(1).max(64) });
export const OptionalProjectQuery = z.object({ projectId: z.string().min(1).max(64).optional() });
export const DeliveriesQuery = ProjectQuery.extend({ limit: z.coerce.number().int().min(1).max(200).default(50) });
