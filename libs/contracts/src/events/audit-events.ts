import { z } from 'zod';
import { Id, IsoTime } from './common';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * One audit record of the gateway (TOPICS.audit), exactly as stored: the SIEM can verify the
 * hash chain itself. Ids, names, codes and addresses only: never a secret, password or token.
 */
export const AuditRecordedV1 = z.object({
  id: Id,
  chain: z.string().min(1),
  sequence: z.number().int().min(1),
  occurredAt: IsoTime,
  actor: z.object({
    type: z.enum(['identity', 'anonymous']),
    identityId: Id.nullable(),
    identityName: z.string().nullable(),
    tokenId: Id.nullable(),
  }).strict(),
  projectId: Id.nullable(),
  action: z.string().min(1),
  target: z.object({ type: z.string().min(1), id: z.string().nullable() }).strict(),
  outcome: z.object({
    result: z.enum(['success', 'denied', 'failed', 'error']),
    statusCode: z.number().int(),
    errorCode: z.string().nullable(),
  }).strict(),
  source: z.object({ ip: z.string().nullable(), userAgent: z.string().nullable() }).strict(),
  correlationId: z.string().min(1),
  request: z.object({ method: z.string().min(1), route: z.string().min(1) }).strict(),
  previousHash: Sha256,
  hash: Sha256,
}).strict();

export type AuditRecorded = z.infer<typeof AuditRecordedV1>;
