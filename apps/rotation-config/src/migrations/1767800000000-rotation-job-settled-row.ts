import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A settled job's NOTIFY carries the rotation's row as the settling statement left it (with its
 * connection's name, as the read model answers it): `<job id> <row as JSON>`. A request waiting
 * for that job answers from it, without reading the row again. A deleted rotation, or a row
 * too long for a notification (8,000 bytes), sends the job id alone, and the waiter reads.
 */
export class RotationJobSettledRow1767800000000 implements MigrationInterface {
  readonly name = 'RotationJobSettledRow1767800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION rotor_notify_rotation_job_settled() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        payload text;
      BEGIN
        IF OLD.in_flight_job_id IS NOT NULL
           AND (TG_OP = 'DELETE' OR NEW.in_flight_job_id IS DISTINCT FROM OLD.in_flight_job_id) THEN
          payload := OLD.in_flight_job_id::text;
          IF TG_OP = 'UPDATE' THEN
            payload := payload || ' ' || (to_jsonb(NEW) || jsonb_build_object(
              'connection_name', (SELECT c.name FROM redis_connections c WHERE c.id = NEW.connection_id)))::text;
            IF octet_length(payload) > 7900 THEN
              payload := OLD.in_flight_job_id::text;
            END IF;
          END IF;
          PERFORM pg_notify('rotor_rotation_job_settled', payload);
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION rotor_notify_rotation_job_settled() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.in_flight_job_id IS NOT NULL
           AND (TG_OP = 'DELETE' OR NEW.in_flight_job_id IS DISTINCT FROM OLD.in_flight_job_id) THEN
          PERFORM pg_notify('rotor_rotation_job_settled', OLD.in_flight_job_id::text);
        END IF;
        RETURN NULL;
      END $$`);
  }
}
