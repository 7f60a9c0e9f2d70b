import { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects, environments, folders, identities, their hashed tokens and project roles. */
export class GatewaySchema1767225600000 implements MigrationInterface {
  name = 'GatewaySchema1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY,
        name varchar(64) NOT NULL,
        slug varchar(32) NOT NULL UNIQUE,
        description varchar(256) NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE environments (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        slug varchar(32) NOT NULL,
        name varchar(64) NOT NULL,
        position integer NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (project_id, slug)
      )`);
    await q.query(`
      CREATE TABLE folders (
        id uuid PRIMARY KEY,
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        environment_id uuid NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        path varchar(256) NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (environment_id, path)
      )`);
    await q.query(`
      CREATE TABLE identities (
        id uuid PRIMARY KEY,
        name varchar(64) NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE identity_tokens (
        id uuid PRIMARY KEY,
        identity_id uuid NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
        name varchar(64) NOT NULL DEFAULT '',
        token_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX identity_tokens_identity_idx ON identity_tokens (identity_id)`);
    await q.query(`
      CREATE TABLE identity_roles (
        identity_id uuid NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        permissions text[] NOT NULL,
        PRIMARY KEY (identity_id, project_id)
      )`);
    await q.query(`CREATE INDEX identity_roles_project_idx ON identity_roles (project_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['identity_roles', 'identity_tokens', 'identities', 'folders', 'environments', 'projects']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
