import { z } from 'zod';
import { Id, IsoTime } from './common';

/** Due rotations (rotation-scheduler), on TOPICS.schedulerEvents. */
export const RotationDueV1 = z.object({
  rotationId: Id,
  /** The regular due time this request serves; retries keep the original. */
  dueAt: IsoTime,
  reason: z.enum(['scheduled', 'retry']),
  attempt: z.number().int().min(1),
  emittedAt: IsoTime,
}).strict();

export type RotationDue = z.infer<typeof RotationDueV1>;
