import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rotation's advisory lock and the statement that must follow it, in one round trip.
 * They cannot share one SQL statement: its snapshot is taken before the lock is granted, so it
 * would miss what the lock's last holder committed while we waited. A VOLATILE function runs
 * each of its statements with a fresh snapshot, taken after the lock (READ COMMITTED).
 *
 * - executor_lock_rotation: the lock, then the rotation's executor_jobs row (RotationRequested
 *   decides on it whether to touch Redis).
 * - executor_record_served: the lock, then VerificationTargets.recordServed's update (see there).
 */
export class ExecutorLockedStatements1768000000000 implements MigrationInterface {
  readonly name = 'ExecutorLockedStatements1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION executor_lock_rotation(lock_class integer, rotation text) RETURNS SETOF executor_jobs
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_class, hashtext(rotation));
        RETURN QUERY SELECT * FROM executor_jobs WHERE rotation_id = rotation;
      END $$`);
    await q.query(`
      CREATE FUNCTION executor_record_served(
        lock_class integer, rotation text, active smallint, generation integer, regular_check timestamptz, check_after_drift timestamptz
      ) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_class, hashtext(rotation));
        UPDATE verification_targets AS t SET
          previous_index = CASE WHEN t.active_index IS NOT NULL AND t.active_index <> active AND t.credentials ? t.active_index::text
                                THEN t.active_index ELSE NULL END,
          active_index = active, active_generation = generation,
          verify_at = CASE WHEN t.last_status = 'drifted' THEN check_after_drift ELSE regular_check END, updated_at = now()
        WHERE t.rotation_id = rotation AND (t.credentials -> active::text ->> 'generation')::int = generation
          AND (t.active_generation IS NULL OR t.active_generation < generation);
        RETURN FOUND;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION executor_record_served(integer, text, smallint, integer, timestamptz, timestamptz)');
    await q.query('DROP FUNCTION executor_lock_rotation(integer, text)');
  }
}
