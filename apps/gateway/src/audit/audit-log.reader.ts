import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditRecord, AuditRecordRow, recordOf } from '@rotor/audit';
import { DataSource } from 'typeorm';
import type { AuditLogFilter } from './audit-logs.schemas';

const EXPORT_BATCH = 1_000;

/** Filtered reads of the audit log: pages newest first, and the whole selection oldest first for export. */
@Injectable()
export class AuditLogReader {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async page(filter: AuditLogFilter, cursor: string | undefined, limit: number): Promise<{ auditLogs: AuditRecord[]; nextCursor: string | null }> {
    const { where, params } = conditions(filter);
    if (cursor !== undefined) {
      params.push(cursor);
      where.push(`position < $${params.length}`);
    }
    params.push(limit + 1);
    const rows: AuditRecordRow[] = await this.ds.query(
      `SELECT * FROM audit_records ${whereClause(where)} ORDER BY position DESC LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    return { auditLogs: kept.map(recordOf), nextCursor: more ? String(kept[kept.length - 1]?.position) : null };
  }

  /** Every matching record, oldest first, in batches (the caller streams them). */
  async *all(filter: AuditLogFilter): AsyncGenerator<AuditRecord> {
    let after = '0';
    for (;;) {
      const { where, params } = conditions(filter);
      params.push(after, EXPORT_BATCH);
      where.push(`position > $${params.length - 1}`);
      const rows: AuditRecordRow[] = await this.ds.query(
        `SELECT * FROM audit_records ${whereClause(where)} ORDER BY position LIMIT $${params.length}`,
        params,
      );
      for (const row of rows) yield recordOf(row);
      if (rows.length < EXPORT_BATCH) return;
      after = String(rows[rows.length - 1]?.position);
    }
  }
}

function conditions(filter: AuditLogFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.projectId !== undefined) add('chain = ?', filter.projectId);
  if (filter.actorId !== undefined) add('actor_identity_id = ?', filter.actorId);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.targetType !== undefined) add('target_type = ?', filter.targetType);
  if (filter.targetId !== undefined) add('target_id = ?', filter.targetId);
  if (filter.result !== undefined) add('result = ?', filter.result);
  if (filter.from !== undefined) add('occurred_at >= ?', filter.from);
  if (filter.to !== undefined) add('occurred_at < ?', filter.to);
  return { where, params };
}

function whereClause(where: string[]): string {
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
}
