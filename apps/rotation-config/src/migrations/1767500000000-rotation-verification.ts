import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Continuous verification's result on each rotation's read-model row: the last check's status,
 * time and message (never a secret), the generation it was about, and since when the served
 * credential has been drifted (null when it is not). Written from CredentialsVerified, not
 * from the event stream: checks are frequent, and only their transitions are events.
 */
export class RotationVerification1767500000000 implements MigrationInterface {
  readonly name = 'RotationVerification1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rotations
        ADD COLUMN verification_status text CHECK (verification_status IN ('healthy', 'drifted', 'unverifiable')),
        ADD COLUMN last_verified_at timestamptz,
        ADD COLUMN last_verification_message text,
        ADD COLUMN verified_generation integer,
        ADD COLUMN drifted_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rotations
        DROP COLUMN verification_status, DROP COLUMN last_verified_at, DROP COLUMN last_verification_message,
        DROP COLUMN verified_generation, DROP COLUMN drifted_at`);
  }
}
