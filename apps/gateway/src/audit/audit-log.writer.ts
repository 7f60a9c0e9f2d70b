import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AUDIT_COLUMNS, AUDIT_COLUMN_TYPES, AuditRecord, AuditRecordFields, GLOBAL_CHAIN, chainRecord, recordValues, storableText } from '@rotor/audit';
import { createEnvelope } from '@rotor/contracts';
import { outboxInsert, outboxNotify } from '@rotor/event-store';
import { DataSource, EntityManager } from 'typeorm';

export type NewAuditRecord = Omit<AuditRecordFields, 'sequence' | 'previousHash' | 'chain'>;

interface Pending {
  fields: NewAuditRecord;
  resolve: (record: AuditRecord) => void;
  reject: (e: unknown) => void;
}

/** Records committed together at most (keeps one statement and one transaction's lock short). */
const MAX_GROUP = 64;
/** Project ids remembered as existing, at most (then forgotten all at once and learnt again). */
const KNOWN_PROJECTS_MAX = 10_000;
/** Chain heads remembered, at most (then forgotten all at once and learnt again). */
const KNOWN_HEADS_MAX = 10_000;

interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * Appends records to their project's hash chain: each links to the record before it, and the
 * record, the chain's new head and the outbox row for `rotor.audit.v1` commit together.
 *
 * Two ways to find the head a record links to:
 * - this process remembers the head it wrote last, links a group of records to it in memory
 *   and writes them in ONE statement that moves the head only where it still is where this
 *   process left it (compare-and-set); the records and outbox rows are written only when it
 *   moved, so there is no transaction to open and no row to lock;
 * - otherwise (the first append to a chain here, or another instance or transaction moved the
 *   head meanwhile), the head row is locked (upsert) for the rest of a transaction, so appends
 *   to one chain queue up behind it.
 */
@Injectable()
export class AuditLogWriter {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Project ids seen to exist: projects are never deleted, so a record of a known project
   * skips the lookup (one statement less per audited request). Unknown ids are asked every time.
   */
  private readonly knownProjects = new Set<string>();

  /** Per chain: the head this process last committed; a guess another writer may have moved on. */
  private readonly heads = new Map<string, ChainHead>();

  /** Per project: records waiting for the transaction in flight to finish. */
  private readonly queues = new Map<string, { busy: boolean; waiting: Pending[] }>();

  /**
   * Written with the records of the same project that arrive meanwhile (group commit): a burst
   * of reads in one project waits on one chain head, so what queues behind a write goes in the
   * next one instead of a write each. Resolves once the record is committed. When a grouped
   * write fails, each of its records is tried alone, so one record the database refuses never
   * costs the others their answer.
   */
  append(record: NewAuditRecord): Promise<AuditRecord> {
    const key = record.projectId ?? GLOBAL_CHAIN;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { busy: false, waiting: [] };
      this.queues.set(key, queue);
    }
    const done = new Promise<AuditRecord>((resolve, reject) => queue.waiting.push({ fields: record, resolve, reject }));
    if (!queue.busy) void this.flush(key, queue);
    return done;
  }

  private async flush(key: string, queue: { busy: boolean; waiting: Pending[] }): Promise<void> {
    queue.busy = true;
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_GROUP);
      try {
        const records = await this.write(batch.map((p) => p.fields));
        batch.forEach((p, i) => p.resolve(records[i] as AuditRecord));
      } catch (e) {
        if (batch.length === 1) batch[0]?.reject(e);
        else for (const p of batch) await this.write([p.fields]).then(([r]) => p.resolve(r as AuditRecord), p.reject);
      }
    }
    queue.busy = false;
    this.queues.delete(key);
  }

  /** Records of one project, in order, outside any caller's transaction. */
  private async write(given: NewAuditRecord[]): Promise<AuditRecord[]> {
    const fields = given.map((g) => storableText(g));
    const projectId = fields[0]?.projectId ?? null;
    // A project id the client made up does not get a chain of its own. Nothing here can roll
    // a project back: one seen to exist stays known.
    const chained = projectId === null ? null : await this.existingProject(this.ds.manager, projectId, true);
    const chain = chained ?? GLOBAL_CHAIN;
    const head = this.heads.get(chain);
    if (head) {
      const records = link(fields, chained, chain, head);
      if (await this.insert(this.ds.manager, chain, head, records)) return this.remember(chain, records);
    }
    return this.ds.transaction(async (tx) => {
      const locked = await lockHead(tx, chain);
      const records = link(fields, chained, chain, locked);
      if (!(await this.insert(tx, chain, locked, records))) throw new Error(`audit chain ${chain} moved under its lock`);
      return records;
    }).then((records) => this.remember(chain, records));
  }

  /**
   * In the caller's transaction (the gateway's own change, which it then records with). A
   * project it sees is not remembered: the change might create one that then rolls back.
   */
  async appendIn(tx: EntityManager, given: NewAuditRecord): Promise<AuditRecord> {
    const fields = storableText(given);
    // A project id the client made up does not get a chain of its own.
    const projectId = fields.projectId === null ? null : await this.existingProject(tx, fields.projectId, false);
    const chain = projectId ?? GLOBAL_CHAIN;
    // This transaction moves the head, and may yet roll back: what this process knew of it is stale either way.
    this.heads.delete(chain);
    const head = await lockHead(tx, chain);
    const records = link([fields], projectId, chain, head);
    if (!(await this.insert(tx, chain, head, records))) throw new Error(`audit chain ${chain} moved under its lock`);
    return records[0] as AuditRecord;
  }

  /**
   * The records, the head moved from `from` to the last record, and their outbox rows, in one
   * statement: written only where the head is still at `from` (always true under its lock).
   * False when another writer had moved the head, and nothing was written.
   */
  private async insert(db: EntityManager, chain: string, from: ChainHead, records: AuditRecord[]): Promise<boolean> {
    const last = records[records.length - 1] as AuditRecord;
    const params: unknown[] = [chain, from.sequence, from.hash, last.sequence, last.hash];
    const moved = 'EXISTS (SELECT 1 FROM head)';
    // Named, not `v.*`, so the statement can be prepared (prepareRepeatedStatements).
    const columns = AUDIT_COLUMNS.join(', ');
    const rows = records.map((record) => {
      const n = params.length;
      params.push(...recordValues(record));
      return `(${AUDIT_COLUMNS.map((column, i) => `$${n + i + 1}::${AUDIT_COLUMN_TYPES[column]}`).join(', ')})`;
    });
    const envelopes = records.map((record) =>
      createEnvelope('AuditRecorded', chain, record, { eventId: record.id, occurredAt: new Date(record.occurredAt), correlationId: record.correlationId }),
    );
    const outbox = outboxInsert(envelopes, params, moved);
    const notify = outboxNotify(params);
    const [result]: { moved: boolean }[] = await db.query(
      `WITH head AS (
         UPDATE audit_chain_heads SET sequence = $4, hash = $5 WHERE chain = $1 AND sequence = $2 AND hash = $3 RETURNING 1
       ), inserted AS (
         INSERT INTO audit_records (${columns}) SELECT ${columns} FROM (VALUES ${rows.join(', ')}) AS v(${columns}) WHERE ${moved}
       ), queued AS (${outbox})
       SELECT ${moved} AS moved, CASE WHEN ${moved} THEN ${notify} END AS notified`,
      params,
    );
    return result?.moved === true;
  }

  private remember(chain: string, records: AuditRecord[]): AuditRecord[] {
    const last = records[records.length - 1] as AuditRecord;
    if (this.heads.size >= KNOWN_HEADS_MAX && !this.heads.has(chain)) this.heads.clear();
    this.heads.set(chain, { sequence: last.sequence, hash: last.hash });
    return records;
  }

  private async existingProject(tx: EntityManager, projectId: string, remember: boolean): Promise<string | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(projectId)) return null;
    if (this.knownProjects.has(projectId)) return projectId;
    const rows: unknown[] = await tx.query('SELECT 1 FROM projects WHERE id = $1', [projectId]);
    if (rows.length === 0) return null;
    if (remember) {
      if (this.knownProjects.size >= KNOWN_PROJECTS_MAX) this.knownProjects.clear();
      this.knownProjects.add(projectId);
    }
    return projectId;
  }
}

/** The chain's head, created when missing, locked for the rest of the transaction. */
async function lockHead(tx: EntityManager, chain: string): Promise<ChainHead> {
  const [head]: { sequence: string; hash: string }[] = await tx.query(
    `INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, '')
     ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain
     RETURNING sequence, hash`,
    [chain],
  );
  return { sequence: Number(head?.sequence ?? 0), hash: head?.hash ?? '' };
}

/** The records linked one after the other, the first to `head` (sequence 0: the chain is empty). */
function link(fields: NewAuditRecord[], projectId: string | null, chain: string, head: ChainHead): AuditRecord[] {
  const records: AuditRecord[] = [];
  let previous = head.sequence === 0 ? null : head;
  for (const f of fields) {
    const record = chainRecord({ ...f, projectId, chain }, previous);
    records.push(record);
    previous = { sequence: record.sequence, hash: record.hash };
  }
  return records;
}
