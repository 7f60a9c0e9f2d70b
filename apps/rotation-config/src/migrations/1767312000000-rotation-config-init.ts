import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Redis connections (admin password sealed), and the read model of the Rotation aggregate:
 * `rotations` (every field the API answers), `rotation_secret_names` (one secret name is
 * mapped by one rotation per location) and `rotation_history` (the audit trail, no secrets).
 * The event stream (es_events) stays the source of truth; these rows change only in the
 * transaction that appends the events they reflect.
 */
export class RotationConfigInit1767312000000 implements MigrationInterface {
  readonly name = 'RotationConfigInit1767312000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE redis_connections (
        id uuid PRIMARY KEY,
        project_id text NOT NULL,
        name text NOT NULL,
        description text,
        host text NOT NULL,
        port integer NOT NULL,
        username text NOT NULL,
        password_sealed text NOT NULL CHECK (password_sealed LIKE 'enc:v1:%'),
        tls jsonb NOT NULL,
        topology jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT redis_connections_project_name_uq UNIQUE (project_id, name)
      )`);
    await q.query(`
      CREATE TABLE rotations (
        id uuid PRIMARY KEY,
        project_id text NOT NULL,
        environment_id text NOT NULL,
        environment_slug text NOT NULL,
        environment_name text NOT NULL,
        folder_id text NOT NULL,
        secret_path text NOT NULL,
        name text NOT NULL,
        description text,
        connection_id uuid NOT NULL REFERENCES redis_connections (id) ON DELETE RESTRICT,
        is_auto_rotation_enabled boolean NOT NULL,
        rotation_interval integer NOT NULL,
        rotate_at_hours smallint NOT NULL,
        rotate_at_minutes smallint NOT NULL,
        parameters jsonb NOT NULL,
        secrets_mapping jsonb NOT NULL,
        active_index smallint,
        rotation_status text,
        last_rotation_attempted_at timestamptz,
        last_rotated_at timestamptz,
        last_rotation_job_id text,
        last_rotation_message text,
        next_rotation_at timestamptz,
        in_flight_job_id text,
        stream_version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT rotations_location_name_uq UNIQUE (project_id, environment_slug, secret_path, name)
      )`);
    await q.query('CREATE INDEX rotations_project_idx ON rotations (project_id, created_at)');
    await q.query('CREATE INDEX rotations_connection_idx ON rotations (connection_id)');
    await q.query(`
      CREATE TABLE rotation_secret_names (
        project_id text NOT NULL,
        environment_slug text NOT NULL,
        secret_path text NOT NULL,
        secret_name text NOT NULL,
        rotation_id uuid NOT NULL REFERENCES rotations (id) ON DELETE CASCADE,
        CONSTRAINT rotation_secret_names_pkey PRIMARY KEY (project_id, environment_slug, secret_path, secret_name)
      )`);
    await q.query('CREATE INDEX rotation_secret_names_rotation_idx ON rotation_secret_names (rotation_id)');
    await q.query(`
      CREATE TABLE rotation_history (
        rotation_id uuid NOT NULL,
        version integer NOT NULL,
        event_id uuid NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        job_id text,
        details jsonb NOT NULL,
        CONSTRAINT rotation_history_pkey PRIMARY KEY (rotation_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rotation_history');
    await q.query('DROP TABLE rotation_secret_names');
    await q.query('DROP TABLE rotations');
    await q.query('DROP TABLE redis_connections');
  }
}
