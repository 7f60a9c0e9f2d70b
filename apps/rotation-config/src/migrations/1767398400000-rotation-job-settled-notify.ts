import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model announces each job that stops being in flight (completed, failed, or its
 * rotation deleted): NOTIFY rotor_rotation_job_settled with the job id. Postgres delivers it
 * when the transaction that settled the job commits, so a request waiting for that job (create,
 * rotate-secrets) wakes at once and reads the committed row, in whichever instance it waits.
 */
export class RotationJobSettledNotify1767398400000 implements MigrationInterface {
  readonly name = 'RotationJobSettledNotify1767398400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION rotor_notify_rotation_job_settled() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.in_flight_job_id IS NOT NULL
           AND (TG_OP = 'DELETE' OR NEW.in_flight_job_id IS DISTINCT FROM OLD.in_flight_job_id) THEN
          PERFORM pg_notify('rotor_rotation_job_settled', OLD.in_flight_job_id::text);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER rotations_job_settled AFTER UPDATE OF in_flight_job_id OR DELETE ON rotations
        FOR EACH ROW EXECUTE FUNCTION rotor_notify_rotation_job_settled()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER rotations_job_settled ON rotations');
    await q.query('DROP FUNCTION rotor_notify_rotation_job_settled()');
  }
}
