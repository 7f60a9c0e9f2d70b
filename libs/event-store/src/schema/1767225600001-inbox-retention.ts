import { MigrationInterface, QueryRunner } from 'typeorm';

/** An index for Inbox.prune: a consumer's oldest claims, found without scanning the table. */
export class InboxRetention1767225600001 implements MigrationInterface {
  readonly name = 'InboxRetention1767225600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "inbox_consumer_processed_idx" ON "inbox" ("consumer", "processed_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "inbox_consumer_processed_idx"`);
  }
}
