import type { AuditRecord } from './audit-record';

/** A row of the gateway's `audit_records` table, as pg returns it. */
export interface AuditRecordRow {
  position: string;
  id: string;
  chain: string;
  sequence: string;
  occurred_at: Date;
  actor_type: 'identity' | 'anonymous';
  actor_identity_id: string | null;
  actor_identity_name: string | null;
  actor_token_id: string | null;
  project_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  result: AuditRecord['outcome']['result'];
  status_code: number;
  error_code: string | null;
  source_ip: string | null;
  user_agent: string | null;
  correlation_id: string;
  method: string;
  route: string;
  previous_hash: string;
  hash: string;
}

export const AUDIT_COLUMNS = [
  'id', 'chain', 'sequence', 'occurred_at', 'actor_type', 'actor_identity_id', 'actor_identity_name', 'actor_token_id', 'project_id',
  'action', 'target_type', 'target_id', 'result', 'status_code', 'error_code', 'source_ip', 'user_agent', 'correlation_id', 'method',
  'route', 'previous_hash', 'hash',
] as const;

/** Each column's SQL type, for statements whose values carry no type of their own (a VALUES list in a SELECT). */
export const AUDIT_COLUMN_TYPES: { readonly [C in (typeof AUDIT_COLUMNS)[number]]: string } = {
  id: 'uuid', chain: 'text', sequence: 'bigint', occurred_at: 'timestamptz', actor_type: 'text', actor_identity_id: 'text',
  actor_identity_name: 'text', actor_token_id: 'text', project_id: 'text', action: 'text', target_type: 'text', target_id: 'text',
  result: 'text', status_code: 'integer', error_code: 'text', source_ip: 'text', user_agent: 'text', correlation_id: 'text',
  method: 'text', route: 'text', previous_hash: 'char(64)', hash: 'char(64)',
};

/** The record's values in AUDIT_COLUMNS order. */
export function recordValues(r: AuditRecord): unknown[] {
  return [
    r.id, r.chain, r.sequence, r.occurredAt, r.actor.type, r.actor.identityId, r.actor.identityName, r.actor.tokenId, r.projectId,
    r.action, r.target.type, r.target.id, r.outcome.result, r.outcome.statusCode, r.outcome.errorCode, r.source.ip, r.source.userAgent,
    r.correlationId, r.request.method, r.request.route, r.previousHash, r.hash,
  ];
}

export function recordOf(row: AuditRecordRow): AuditRecord {
  return {
    id: row.id,
    chain: row.chain,
    sequence: Number(row.sequence),
    occurredAt: row.occurred_at.toISOString(),
    actor: { type: row.actor_type, identityId: row.actor_identity_id, identityName: row.actor_identity_name, tokenId: row.actor_token_id },
    projectId: row.project_id,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    outcome: { result: row.result, statusCode: row.status_code, errorCode: row.error_code },
    source: { ip: row.source_ip, userAgent: row.user_agent },
    correlationId: row.correlation_id,
    request: { method: row.method, route: row.route },
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
