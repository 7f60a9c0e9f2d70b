import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: records (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE) and
 * the head of each hash chain (the last sequence and hash per project, or `global`), which
 * appends lock so that each chain grows one record at a time.
 */
export class AuditLog1767225600100 implements MigrationInterface {
  name = 'AuditLog1767225600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_records (
        position bigserial NOT NULL UNIQUE,
        id uuid PRIMARY KEY,
        chain text NOT NULL,
        sequence bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL,
        actor_identity_id text,
        actor_identity_name text,
        actor_token_id text,
        project_id text,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        result text NOT NULL,
        status_code integer NOT NULL,
        error_code text,
        source_ip text,
        user_agent text,
        correlation_id text NOT NULL,
        method text NOT NULL,
        route text NOT NULL,
        previous_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        UNIQUE (chain, sequence)
      )`);
    await q.query(`CREATE INDEX audit_records_project_idx ON audit_records (project_id, position)`);
    await q.query(`CREATE INDEX audit_records_actor_idx ON audit_records (actor_identity_id, position)`);
    await q.query(`CREATE INDEX audit_records_time_idx ON audit_records (occurred_at)`);
    await q.query(`
      CREATE TABLE audit_chain_heads (
        chain text PRIMARY KEY,
        sequence bigint NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
        FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
        FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_chain_heads');
    await q.query('DROP TABLE audit_records');
    await q.query('DROP FUNCTION audit_records_append_only()');
  }
}
