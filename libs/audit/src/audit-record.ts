/** Who made the request: an identity (with the token it used), or nobody known (a 401). */
export interface AuditActor {
  type: 'identity' | 'anonymous';
  identityId: string | null;
  identityName: string | null;
  /** The id of the token used, never the token; known for a revoked token too. */
  tokenId: string | null;
}

/** How the request ended: `denied` for 401, 403 and a 404 on another project's resource. */
export type AuditResult = 'success' | 'denied' | 'failed' | 'error';

/** One audited request, as hashed: every field but `hash`. */
export interface AuditRecordFields {
  id: string;
  /** The hash chain it belongs to: its project's id, or `global` (identities, tokens, unknown projects). */
  chain: string;
  /** 1, 2, 3… within the chain, without gaps. */
  sequence: number;
  occurredAt: string;
  actor: AuditActor;
  projectId: string | null;
  /** `<resource>.<verb>`, e.g. `secret-rotation.rotate`, `secret.read`. */
  action: string;
  target: { type: string; id: string | null };
  outcome: { result: AuditResult; statusCode: number; errorCode: string | null };
  source: { ip: string | null; userAgent: string | null };
  /** Sent to the services with the request, so the events it caused carry it. */
  correlationId: string;
  request: { method: string; route: string };
  /** The previous record's hash in the chain (GENESIS_HASH for the first). */
  previousHash: string;
}

export interface AuditRecord extends AuditRecordFields {
  /** SHA-256 (hex) of `canonicalJson(fields)`, previousHash included. */
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The chain of records that belong to no project. */
export const GLOBAL_CHAIN = 'global';

export function resultOf(statusCode: number, deniedAcrossProjects = false): AuditResult {
  if (statusCode === 401 || statusCode === 403 || (statusCode === 404 && deniedAcrossProjects)) return 'denied';
  if (statusCode < 400) return 'success';
  if (statusCode < 500) return 'failed';
  return 'error';
}
