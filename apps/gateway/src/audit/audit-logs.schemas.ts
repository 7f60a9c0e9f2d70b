import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');

export const auditLogFilterSchema = z
  .object({
    projectId: z.string().min(1).max(64).optional().describe('Records of this project (its chain); `global` for identities, tokens and unknown projects'),
    actorId: z.string().min(1).max(64).optional().describe('Identity id of the actor'),
    action: z.string().min(1).max(128).optional().describe('e.g. `secret.read`, `secret-rotation.rotate`'),
    targetType: z.string().min(1).max(64).optional().describe('e.g. `secret`, `secret-rotation`'),
    targetId: z.string().min(1).max(512).optional(),
    result: z.enum(['success', 'denied', 'failed', 'error']).optional(),
    from: isoTime.optional().describe('At or after this time'),
    to: isoTime.optional().describe('Before this time'),
  })
  .strict();

export const listAuditLogsQuerySchema = auditLogFilterSchema
  .extend({
    cursor: z.string().regex(/^\d{1,19}$/, 'must be a nextCursor from a previous page').optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('Records per page (1–500, default 100)'),
  })
  .strict();

export const verifyAuditLogQuerySchema = z.object({ projectId: z.string().min(1).max(64).optional().describe('Only this chain') }).strict();

export type AuditLogFilter = z.output<typeof auditLogFilterSchema>;

const recordSchema = z.object({
  id: z.string(),
  chain: z.string(),
  sequence: z.number(),
  occurredAt: z.string(),
  actor: z.object({ type: z.enum(['identity', 'anonymous']), identityId: z.string().nullable(), identityName: z.string().nullable(), tokenId: z.string().nullable() }),
  projectId: z.string().nullable(),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  outcome: z.object({ result: z.enum(['success', 'denied', 'failed', 'error']), statusCode: z.number(), errorCode: z.string().nullable() }),
  source: z.object({ ip: z.string().nullable(), userAgent: z.string().nullable() }),
  correlationId: z.string(),
  request: z.object({ method: z.string(), route: z.string() }),
  previousHash: z.string(),
  hash: z.string(),
});

export const auditLogListResponseSchema = z.object({
  auditLogs: z.array(recordSchema).describe('Newest first'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next (older) page; null at the end'),
});

const brokenLink = z.object({
  chain: z.string(),
  recordId: z.string().nullable(),
  sequence: z.number(),
  reason: z.enum(['content-changed', 'previous-hash-mismatch', 'sequence-gap', 'missing-tail']),
  expected: z.string(),
  actual: z.string(),
  message: z.string(),
  differences: z
    .array(z.object({ field: z.string(), published: z.unknown(), stored: z.unknown() }))
    .optional()
    .describe('For content-changed, while the published copy is still in the outbox: the fields that differ'),
});

export const auditLogVerificationResponseSchema = z.object({
  ok: z.boolean(),
  chains: z.array(z.object({ ok: z.boolean(), chain: z.string(), records: z.number(), headHash: z.string().optional(), broken: brokenLink.optional() })),
  firstBroken: brokenLink.nullable(),
});
