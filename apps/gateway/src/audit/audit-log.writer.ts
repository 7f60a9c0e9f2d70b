import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AUDIT_COLUMNS, AuditRecord, AuditRecordFields, GLOBAL_CHAIN, chainRecord, recordValues } from '@rotor/audit';
import { createEnvelope } from '@rotor/contracts';
import { OUTBOX_CHANNEL, outboxInsert } from '@rotor/event-store';
import { DataSource, EntityManager } from 'typeorm';

export type NewAuditRecord = Omit<AuditRecordFields, 'sequence' | 'previousHash' | 'chain'>;

/**
 * Appends records to their project's hash chain. The chain's head row is locked (upsert) for
 * the rest of the transaction, so appends to one chain queue up and each links to the one
 * before; the record, the new head and the outbox row for `rotor.audit.v1` commit together.
 */
@Injectable()
export class AuditLogWriter {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** In its own transaction. */
  append(record: NewAuditRecord): Promise<AuditRecord> {
    return this.ds.transaction((tx) => this.appendIn(tx, record));
  }

  /** In the caller's transaction (the gateway's own change, which it then records with). */
  async appendIn(tx: EntityManager, fields: NewAuditRecord): Promise<AuditRecord> {
    // A project id the client made up does not get a chain of its own.
    const projectId = fields.projectId === null ? null : await this.existingProject(tx, fields.projectId);
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

  private async existingProject(tx: EntityManager, projectId: string): Promise<string | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(projectId)) return null;
    const rows: unknown[] = await tx.query('SELECT 1 FROM projects WHERE id = $1', [projectId]);
    return rows.length > 0 ? projectId : null;
  }
}
