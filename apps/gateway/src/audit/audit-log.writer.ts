import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AUDIT_COLUMNS, AuditRecord, AuditRecordFields, GLOBAL_CHAIN, chainRecord, recordValues, storableText } from '@rotor/audit';
import { createEnvelope } from '@rotor/contracts';
import { OUTBOX_CHANNEL, outboxInsert } from '@rotor/event-store';
import { DataSource, EntityManager } from 'typeorm';

export type NewAuditRecord = Omit<AuditRecordFields, 'sequence' | 'previousHash' | 'chain'>;

interface Pending {
  fields: NewAuditRecord;
  resolve: (record: AuditRecord) => void;
  reject: (e: unknown) => void;
}

/** Records committed together at most (keeps one transaction's lock short). */
const MAX_GROUP = 64;
/** Project ids remembered as existing, at most (then forgotten all at once and learnt again). */
const KNOWN_PROJECTS_MAX = 10_000;

/**
 * Appends records to their project's hash chain. The chain's head row is locked (upsert) for
 * the rest of the transaction, so appends to one chain queue up and each links to the one
 * before; the record, the new head and the outbox row for `rotor.audit.v1` commit together.
 */
@Injectable()
export class AuditLogWriter {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Project ids seen to exist: projects are never deleted, so a record of a known project
   * skips the lookup (one statement less per audited request). Unknown ids are asked every time.
   */
  private readonly knownProjects = new Set<string>();

  /** Per project: records waiting for the transaction in flight to finish. */
  private readonly queues = new Map<string, { busy: boolean; waiting: Pending[] }>();

  /**
   * In a transaction of its own, shared with the records of the same project that arrive
   * meanwhile (group commit): a burst of reads in one project waits on one chain head, so
   * what queues behind a commit goes in the next one instead of a commit each. Resolves once
   * the record is committed. When a grouped commit fails, each of its records is tried alone,
   * so one record the database refuses never costs the others their answer.
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
        const records = await this.ds.transaction(async (tx) => {
          const out: AuditRecord[] = [];
          for (const p of batch) out.push(await this.appendIn(tx, p.fields, { ownTransaction: true }));
          return out;
        });
        batch.forEach((p, i) => p.resolve(records[i] as AuditRecord));
      } catch (e) {
        if (batch.length === 1) batch[0]?.reject(e);
        else for (const p of batch) await this.ds.transaction((tx) => this.appendIn(tx, p.fields, { ownTransaction: true })).then(p.resolve, p.reject);
      }
    }
    queue.busy = false;
    this.queues.delete(key);
  }

  /**
   * In the caller's transaction (the gateway's own change, which it then records with).
   * `ownTransaction`: the transaction changes no project, so a project it sees was committed
   * and may be remembered; the caller's change might create one that then rolls back.
   */
  async appendIn(tx: EntityManager, given: NewAuditRecord, opts: { ownTransaction?: boolean } = {}): Promise<AuditRecord> {
    const fields = storableText(given);
    // A project id the client made up does not get a chain of its own.
    const projectId = fields.projectId === null ? null : await this.existingProject(tx, fields.projectId, opts.ownTransaction === true);
    const chain = projectId ?? GLOBAL_CHAIN;
    const [head]: { sequence: string; hash: string }[] = await tx.query(
      `INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, '')
       ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain
       RETURNING sequence, hash`,
      [chain],
    );
    const sequence = Number(head?.sequence ?? 0);
    const record = chainRecord({ ...fields, projectId, chain }, sequence === 0 ? null : { sequence, hash: (head as { hash: string }).hash });
    const envelope = createEnvelope('AuditRecorded', chain, record, {
      eventId: record.id,
      occurredAt: new Date(record.occurredAt),
      correlationId: record.correlationId,
    });
    const params = recordValues(record);
    const placeholders = AUDIT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    params.push(chain, record.sequence, record.hash);
    const n = params.length;
    const outbox = outboxInsert([envelope], params);
    params.push(OUTBOX_CHANNEL);
    await tx.query(
      `WITH inserted AS (INSERT INTO audit_records (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders})),
            head AS (UPDATE audit_chain_heads SET sequence = $${n - 1}, hash = $${n} WHERE chain = $${n - 2}),
            queued AS (${outbox})
       SELECT pg_notify($${params.length}, '')`,
      params,
    );
    return record;
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
