import type { AuditRecord } from './audit-record';
import { GENESIS_HASH } from './audit-record';
import { hashRecord } from './hash-chain';

export type BrokenLinkReason = 'content-changed' | 'previous-hash-mismatch' | 'sequence-gap' | 'missing-tail';

export interface BrokenLink {
  chain: string;
  /** The first record that does not verify (null when records are missing after the last one). */
  recordId: string | null;
  sequence: number;
  reason: BrokenLinkReason;
  /** What verification computed or expected, and what the record holds. */
  expected: string;
  actual: string;
  message: string;
  /** For `content-changed`, when the published copy is still at hand: which fields differ. */
  differences?: FieldDifference[];
}

export interface FieldDifference {
  field: string;
  published: unknown;
  stored: unknown;
}

export type ChainVerification = { ok: true; chain: string; records: number; headHash: string } | { ok: false; chain: string; records: number; broken: BrokenLink };

/**
 * Checks one chain, records in sequence order: each record's hash over its content, its link
 * to the previous record, no gap in the sequence and, when the chain's head (the last
 * sequence and hash written) is given, that no record after the last one was removed.
 */
export function verifyChain(chain: string, records: Iterable<AuditRecord>, head?: { sequence: number; hash: string }): ChainVerification {
  const verifier = new ChainVerifier(chain);
  for (const record of records) {
    if (!verifier.push(record)) break;
  }
  return verifier.finish(head);
}

/** verifyChain one record at a time, for chains read in batches. */
export class ChainVerifier {
  private previous = { sequence: 0, hash: GENESIS_HASH };
  private count = 0;
  private broken: BrokenLink | null = null;

  constructor(readonly chain: string) {}

  /** False once a link is broken (later records are not looked at). */
  push(record: AuditRecord): boolean {
    if (this.broken) return false;
    this.count++;
    const previous = this.previous;
    const expectedSequence = previous.sequence + 1;
    const at = { chain: this.chain, recordId: record.id, sequence: record.sequence };
    if (record.sequence !== expectedSequence) {
      this.broken = {
        ...at, reason: 'sequence-gap', expected: String(expectedSequence), actual: String(record.sequence),
        message: `record ${record.id} has sequence ${record.sequence} where ${expectedSequence} was expected: records are missing`,
      };
    } else if (record.previousHash !== previous.hash) {
      this.broken = {
        ...at, reason: 'previous-hash-mismatch', expected: previous.hash, actual: record.previousHash,
        message: `record ${record.id} (sequence ${record.sequence}) does not link to the hash of the record before it`,
      };
    } else {
      const computed = hashRecord(record);
      if (computed !== record.hash) {
        this.broken = {
          ...at, reason: 'content-changed', expected: computed, actual: record.hash,
          message: `record ${record.id} (sequence ${record.sequence}) was changed after it was written: its content no longer matches its hash`,
        };
      }
    }
    if (this.broken) return false;
    this.previous = { sequence: record.sequence, hash: record.hash };
    return true;
  }

  finish(head?: { sequence: number; hash: string }): ChainVerification {
    const previous = this.previous;
    if (!this.broken && head && (head.sequence !== previous.sequence || head.hash !== previous.hash)) {
      this.broken = {
        chain: this.chain, recordId: null, sequence: previous.sequence + 1, reason: 'missing-tail',
        expected: `${head.sequence}:${head.hash}`, actual: `${previous.sequence}:${previous.hash}`,
        message: `the chain's head is at sequence ${head.sequence} but its records end at ${previous.sequence}: records were removed`,
      };
    }
    if (this.broken) return { ok: false, chain: this.chain, records: this.count, broken: this.broken };
    return { ok: true, chain: this.chain, records: this.count, headHash: previous.hash };
  }
}
