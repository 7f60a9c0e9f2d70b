import { z } from 'zod';
import { Id, IsoTime } from './common';

/**
 * Continuous verification of a rotation's served credentials (docs/architecture.md, invariant 8).
 * `CredentialsVerified` comes from redis-executor (TOPICS.executorEvents); `RotationDrifted`
 * and `RotationHealed` from rotation-config (TOPICS.rotationEvents), once per transition, for
 * services that alert on them. None of them carries a credential.
 */

/** One credential on one node that did not pass, with what Redis answered (redacted). */
export const VerificationFailure = z.object({
  /** 'active': the credential the secret store serves; 'previous': the one it replaced. */
  slot: z.enum(['active', 'previous']),
  username: z.string().min(1),
  node: z.string().min(1),
  /** e.g. "WRONGPASS invalid username-password pair or user is disabled." */
  answer: z.string(),
}).strict();

export const CredentialsVerifiedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  /** The generation of the active credential that was checked. */
  generation: z.number().int().min(1),
  /**
   * healthy: every checked credential authenticated on every node; drifted: at least one was
   * rejected (see failures); unverifiable: a node could not be asked (unreachable, admin
   * rejected) — not proof of drift, so nothing is healed on it.
   */
  status: z.enum(['healthy', 'drifted', 'unverifiable']),
  failures: z.array(VerificationFailure),
  /** The nodes that were asked ('host:port'). */
  nodes: z.array(z.string()),
  /** One sentence for the rotation's answer; never a credential. */
  message: z.string(),
  verifiedAt: IsoTime,
}).strict();

export const RotationDriftedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  environment: z.string().min(1),
  secretPath: z.string().startsWith('/'),
  generation: z.number().int().min(1),
  failures: z.array(VerificationFailure).min(1),
  message: z.string(),
  detectedAt: IsoTime,
}).strict();

export const RotationHealedV1 = z.object({
  rotationId: Id,
  projectId: Id,
  environment: z.string().min(1),
  secretPath: z.string().startsWith('/'),
  /** The generation that now authenticates everywhere (a heal rotation's, usually). */
  generation: z.number().int().min(1),
  /** When the drift was first detected. */
  driftedAt: IsoTime,
  healedAt: IsoTime,
}).strict();

export type VerificationFailure = z.infer<typeof VerificationFailure>;
export type CredentialsVerified = z.infer<typeof CredentialsVerifiedV1>;
export type RotationDrifted = z.infer<typeof RotationDriftedV1>;
export type RotationHealed = z.infer<typeof RotationHealedV1>;
