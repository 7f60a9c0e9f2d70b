import { Injectable } from '@nestjs/common';
import { RotorError } from '@rotor/util';
import { DataSource, EntityManager } from 'typeorm';
import { SecretFolder, SecretLocation, describeLocation } from './secret-location';
import { SecretSealer } from './secret-sealer';
import { StoredSecretVersion } from './secret.view';

/** The current state of one secret, without its value. */
export interface SecretHead extends SecretLocation {
  id: string;
  version: number;
  rotationId: string | null;
}

export interface VersionMeta {
  rotationId: string | null;
  jobId: string | null;
  at: Date;
}

export interface HeadRecord {
  id: string;
  project_id: string;
  environment: string;
  secret_path: string;
  secret_key: string;
  version: number;
  rotation_id: string | null;
}

interface VersionRecord extends HeadRecord {
  value: string;
  created_at: Date;
}

const HEAD = 's.id, s.project_id, s.environment, s.secret_path, s.secret_key, s.version, s.rotation_id';
/** A version row with its secret's location; `version` is the version's own, not the head's. */
const VERSION = 's.id, s.project_id, s.environment, s.secret_path, s.secret_key, v.version, s.rotation_id, v.value, v.created_at';

/**
 * SQL for the secrets and secret_versions tables. Values go in sealed (SecretSealer) and come
 * out sealed; a write changes a secret's head and adds its version row in the caller's
 * transaction, so both commit or neither does.
 */
@Injectable()
export class SecretRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: SecretSealer,
  ) {}

  /** The secret's head, row-locked until the transaction ends; null when it does not exist. */
  async lock(tx: EntityManager, loc: SecretLocation): Promise<SecretHead | null> {
    const rows: HeadRecord[] = await tx.query(
      `SELECT ${HEAD} FROM secrets s
        WHERE s.project_id = $1 AND s.environment = $2 AND s.secret_path = $3 AND s.secret_key = $4 FOR UPDATE`,
      [loc.projectId, loc.environment, loc.secretPath, loc.secretKey],
    );
    return rows[0] ? toHead(rows[0]) : null;
  }

  /** Every secret a rotation manages in a project, row-locked. */
  async lockManagedBy(tx: EntityManager, projectId: string, rotationId: string): Promise<SecretHead[]> {
    const rows: HeadRecord[] = await tx.query(
      `SELECT ${HEAD} FROM secrets s WHERE s.project_id = $1 AND s.rotation_id = $2 ORDER BY s.id FOR UPDATE`,
      [projectId, rotationId],
    );
    return rows.map(toHead);
  }

  /**
   * appendVersion for several secrets locked with `lock()` / `lockForRotationSelect()`, as the parts
   * of a WITH (`name AS (…)`, their parameters appended to `params`) for the caller's statement
   * that writes other rows with them: every head moves to its next version and gets its version
   * row. The heads they write are `next`; nothing is written until that statement runs.
   */
  versionsAppend(writes: { head: SecretHead; plaintext: string }[], meta: VersionMeta): { next: SecretHead[]; parts: (params: unknown[]) => string[] } {
    const next = writes.map(({ head }): SecretHead => ({ ...head, version: head.version + 1, rotationId: meta.rotationId }));
    const sealed = next.map((h, i) => this.sealer.seal(h, h.version, writes[i].plaintext));
    const parts = (params: unknown[]): string[] => {
      const $ = (value: unknown) => `$${params.push(value)}`;
      const ids = $(next.map((h) => h.id));
      const versions = $(next.map((h) => h.version));
      const values = $(sealed);
      const rotation = $(meta.rotationId);
      const at = $(meta.at);
      const job = $(meta.jobId);
      return [
        `appended AS (SELECT v.id, v.version, v.value FROM unnest(${ids}::uuid[], ${versions}::int[], ${values}::text[]) AS v(id, version, value))`,
        `appended_heads AS (UPDATE secrets s SET version = a.version, rotation_id = ${rotation}, updated_at = ${at} FROM appended a WHERE s.id = a.id)`,
        `appended_versions AS (INSERT INTO secret_versions (secret_id, version, value, rotation_id, job_id, created_at)
           SELECT a.id, a.version, a.value, ${rotation}, ${job}, ${at} FROM appended a)`,
      ];
    };
    return { next, parts };
  }

  /** Creates a secret at version 1. A concurrent create of the same key is a 409. */
  async create(tx: EntityManager, loc: SecretLocation, plaintext: string, meta: VersionMeta): Promise<SecretHead> {
    // DO NOTHING rather than an error keeps the caller's transaction usable when a create races.
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO secrets (project_id, environment, secret_path, secret_key, version, rotation_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 1, $5, $6, $6) ON CONFLICT ON CONSTRAINT secrets_location_uq DO NOTHING RETURNING id`,
      [loc.projectId, loc.environment, loc.secretPath, loc.secretKey, meta.rotationId, meta.at],
    );
    if (rows.length === 0) throw RotorError.conflict('SECRET.ALREADY_EXISTS', `secret ${describeLocation(loc)} already exists`);
    const head: SecretHead = { ...loc, id: rows[0].id, version: 1, rotationId: meta.rotationId };
    await this.insertVersion(tx, head, plaintext, meta);
    return head;
  }

  /** Adds the next version to a secret locked with `lock()`; `meta.rotationId` becomes its manager. */
  async appendVersion(tx: EntityManager, head: SecretHead, plaintext: string, meta: VersionMeta): Promise<SecretHead> {
    const next: SecretHead = { ...head, version: head.version + 1, rotationId: meta.rotationId };
    // The head and the version row in one statement (a data-modifying WITH always runs in full).
    await tx.query(
      `WITH head AS (UPDATE secrets SET version = $2, rotation_id = $3, updated_at = $4 WHERE id = $1)
       INSERT INTO secret_versions (secret_id, version, value, rotation_id, job_id, created_at) VALUES ($1, $2, $5, $3, $6, $4)`,
      [head.id, next.version, meta.rotationId, meta.at, this.sealer.seal(next, next.version, plaintext), meta.jobId],
    );
    return next;
  }

  async remove(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await tx.query('DELETE FROM secrets WHERE id = ANY($1::uuid[])', [ids]);
  }

  /** Turns rotation-managed secrets into ordinary ones (their versions stay). */
  async detach(tx: EntityManager, ids: string[], at: Date): Promise<void> {
    if (ids.length > 0) await tx.query('UPDATE secrets SET rotation_id = NULL, updated_at = $2 WHERE id = ANY($1::uuid[])', [ids, at]);
  }

  /**
   * The current version of every secret in a folder, in one statement: Postgres answers it from
   * one snapshot, so a reader sees both secrets of a rotation from the same commit.
   */
  async listCurrent(folder: SecretFolder): Promise<StoredSecretVersion[]> {
    const rows: VersionRecord[] = await this.ds.query(
      `SELECT ${VERSION} FROM secrets s
         JOIN secret_versions v ON v.secret_id = s.id AND v.version = s.version
        WHERE s.project_id = $1 AND s.environment = $2 AND s.secret_path = $3
        ORDER BY s.secret_key`,
      [folder.projectId, folder.environment, folder.secretPath],
    );
    return rows.map(toStoredVersion);
  }

  /** The keys of a folder's secrets and the rotation managing each (no values). */
  async keysAt(folder: SecretFolder): Promise<{ secretKey: string; rotationId: string | null }[]> {
    const rows: { secret_key: string; rotation_id: string | null }[] = await this.ds.query(
      'SELECT secret_key, rotation_id FROM secrets WHERE project_id = $1 AND environment = $2 AND secret_path = $3 ORDER BY secret_key',
      [folder.projectId, folder.environment, folder.secretPath],
    );
    return rows.map((r) => ({ secretKey: r.secret_key, rotationId: r.rotation_id }));
  }

  /** The ids among `jobIds` that wrote a version of a secret of the project (a stored rotation job). */
  async jobsWithVersions(projectId: string, jobIds: string[]): Promise<string[]> {
    const rows: { job_id: string }[] = await this.ds.query(
      `SELECT DISTINCT v.job_id FROM secret_versions v JOIN secrets s ON s.id = v.secret_id
        WHERE v.job_id = ANY($2::text[]) AND s.project_id = $1`,
      [projectId, jobIds],
    );
    return rows.map((r) => r.job_id);
  }

  /** One version of a secret (the current one when `version` is omitted); null when absent. */
  async findVersion(loc: SecretLocation, version?: number): Promise<StoredSecretVersion | null> {
    const rows: VersionRecord[] = await this.ds.query(
      `SELECT ${VERSION} FROM secrets s
         JOIN secret_versions v ON v.secret_id = s.id AND v.version = COALESCE($5::int, s.version)
        WHERE s.project_id = $1 AND s.environment = $2 AND s.secret_path = $3 AND s.secret_key = $4`,
      [loc.projectId, loc.environment, loc.secretPath, loc.secretKey, version ?? null],
    );
    return rows[0] ? toStoredVersion(rows[0]) : null;
  }

  private async insertVersion(tx: EntityManager, head: SecretHead, plaintext: string, meta: VersionMeta): Promise<void> {
    await tx.query(
      'INSERT INTO secret_versions (secret_id, version, value, rotation_id, job_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [head.id, head.version, this.sealer.seal(head, head.version, plaintext), meta.rotationId, meta.jobId, meta.at],
    );
  }
}

/**
 * A SELECT … FOR UPDATE of the secrets at `keys` of a folder and of every secret the rotation
 * manages anywhere in the project, row-locked in id order (a rotation's write needs both; one
 * lock order, and no statement of its own: RotationGenerations.lockThen runs it after the
 * guard). Its parameters are appended to `params`, `also` goes in its WHERE, and its rows go
 * through headsOf. Two index lookups joined, not one OR: a prepared statement's generic plan
 * would scan the whole project for it.
 */
export function lockForRotationSelect(folder: SecretFolder, keys: string[], rotationId: string): (params: unknown[], also: string) => string {
  return (params, also) => {
    const $ = (value: unknown) => `$${params.push(value)}`;
    const project = $(folder.projectId);
    return `SELECT ${HEAD} FROM secrets s
       WHERE s.id IN (
         SELECT id FROM secrets WHERE project_id = ${project} AND environment = ${$(folder.environment)}
            AND secret_path = ${$(folder.secretPath)} AND secret_key = ANY(${$(keys)}::text[])
         UNION ALL
         SELECT id FROM secrets WHERE rotation_id = ${$(rotationId)} AND project_id = ${project})
         AND ${also}
       ORDER BY s.id FOR UPDATE`;
  };
}

/** The heads of lockForRotationSelect's rows, skipping a null-padded one. */
export function headsOf(rows: (HeadRecord | { id: null })[]): SecretHead[] {
  return rows.filter((r): r is HeadRecord => r.id !== null).map(toHead);
}

function toHead(r: HeadRecord): SecretHead {
  return {
    id: r.id,
    projectId: r.project_id,
    environment: r.environment,
    secretPath: r.secret_path,
    secretKey: r.secret_key,
    version: r.version,
    rotationId: r.rotation_id,
  };
}

function toStoredVersion(r: VersionRecord): StoredSecretVersion {
  return { ...toHead(r), sealedValue: r.value, createdAt: r.created_at };
}

