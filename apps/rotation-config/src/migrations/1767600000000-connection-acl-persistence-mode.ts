import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How Rotor keeps its ACL changes across a restart, per connection: 'auto' (ACL SAVE where an
 * aclfile is kept — what every connection did before), 'config-rewrite' or 'managed'.
 */
export class ConnectionAclPersistenceMode1767600000000 implements MigrationInterface {
  readonly name = 'ConnectionAclPersistenceMode1767600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE redis_connections
        ADD COLUMN acl_persistence_mode text NOT NULL DEFAULT 'auto'
          CHECK (acl_persistence_mode IN ('auto', 'config-rewrite', 'managed'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE redis_connections DROP COLUMN acl_persistence_mode');
  }
}
