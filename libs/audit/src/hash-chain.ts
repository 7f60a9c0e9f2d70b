import { createHash } from 'node:crypto';
import type { AuditRecord, AuditRecordFields } from './audit-record';
import { GENESIS_HASH } from './audit-record';
import { canonicalJson } from './canonical-json';

/** SHA-256 (hex) over the canonical form of every field, the previous record's hash included. */
export function hashRecord(fields: AuditRecordFields): string {
  const { ...onlyFields } = fields as AuditRecordFields & { hash?: string };
  delete onlyFields.hash;
  return createHash('sha256').update(canonicalJson(onlyFields)).digest('hex');
}

/** The next record of a chain whose head is `previous` (null: the chain is empty). */
export function chainRecord(fields: Omit<AuditRecordFields, 'sequence' | 'previousHash'>, previous: { sequence: number; hash: string } | null): AuditRecord {
  const linked: AuditRecordFields = { ...fields, sequence: (previous?.sequence ?? 0) + 1, previousHash: previous?.hash ?? GENESIS_HASH };
  return { ...linked, hash: hashRecord(linked) };
}
