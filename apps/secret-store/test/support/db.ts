import { DataSource } from 'typeorm';

export interface SecretRow {
  secret_key: string;
  version: number;
  rotation_id: string | null;
}

export async function secretsOf(db: DataSource, projectId: string): Promise<SecretRow[]> {
  return db.query('SELECT secret_key, version, rotation_id FROM secrets WHERE project_id = $1 ORDER BY secret_key', [projectId]);
}

export async function versionCount(db: DataSource, projectId: string): Promise<number> {
  const [{ n }] = await db.query(
    'SELECT count(*)::int AS n FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE s.project_id = $1',
    [projectId],
  );
  return n;
}

export async function outboxCount(db: DataSource, aggregateId: string): Promise<number> {
  const [{ n }] = await db.query("SELECT count(*)::int AS n FROM outbox WHERE key = $1", [aggregateId]);
  return n;
}

/** Every row of every table in the database, as text. */
export async function allRowsAsText(db: DataSource): Promise<{ table: string; rows: string[] }[]> {
  const tables: { table_name: string }[] = await db.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const result: { table: string; rows: string[] }[] = [];
  for (const { table_name } of tables) {
    const rows: { row: string }[] = await db.query(`SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`);
    result.push({ table: table_name, rows: rows.map((r) => r.row) });
  }
  return result;
}
