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

/**
 * A requested job had no outcome within its lease (rotation-scheduler). Published on
 * TOPICS.executorEvents, not the scheduler's topic, so the secret store reads it in one
 * partition order with the job's CredentialsRotated, whichever the two came first: it is the
 * secret store that decides whether the job's credential will ever be served, and answers with
 * RotationFailed when it will not (see apps/secret-store). rotation-config does not end a job
 * on this event alone, since its credential may already be stored.
 */
export const RotationTimedOutV1 = z.object({
  rotationId: Id,
  projectId: Id,
  jobId: Id,
  generation: z.number().int().min(1),
  /** Why, for the rotation's lastRotationMessage; never a credential. */
  message: z.string(),
  timedOutAt: IsoTime,
}).strict();

/**
 * A failed attempt that will not be retried (rotation-scheduler): the failure was not
 * retryable, the retries of its due time are used up, the next retry would fall at or after
 * the next regular due time, the attempt served no due time (initial or manual: the scheduler
 * retries those never), or auto-rotation is off. The rotation stays failed until the next
 * regular due time (`nextRotationAt`, null when nothing is planned) or a manual rotation.
 */
export const RotationGaveUpV1 = z.object({
  rotationId: Id,
  projectId: Id,
  jobId: Id,
  generation: z.number().int().min(1),
  /** Attempts made for this due time, the failed one included. */
  attempt: z.number().int().min(1),
  /** The regular due time the attempt served; null for an initial or manual attempt. */
  dueAt: IsoTime.nullable(),
  /** The failure's message, redacted: never a credential. */
  message: z.string(),
  retryable: z.boolean(),
  nextRotationAt: IsoTime.nullable(),
  gaveUpAt: IsoTime,
}).strict();

export type RotationDue = z.infer<typeof RotationDueV1>;
export type RotationGaveUp = z.infer<typeof RotationGaveUpV1>;
export type RotationTimedOut = z.infer<typeof RotationTimedOutV1>;
