import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Rotation aggregate's state after its stream's latest event, written in the transaction
 * that appends the events, so a command reads one row instead of replaying the whole stream.
 * `shape` says which form of the state `state` holds; a row of another shape is replayed over.
 */
export class RotationSnapshots1767700000000 implements MigrationInterface {
  readonly name = 'RotationSnapshots1767700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rotation_snapshots (
        rotation_id text PRIMARY KEY,
        version integer NOT NULL,
        shape integer NOT NULL,
        state jsonb NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rotation_snapshots');
  }
}
