import { RotationCompleted, RotationRequested } from '@rotor/contracts';
import { EntityManager } from 'typeorm';
import { Schedule, ScheduleStatus, fireAtOf } from './schedule.types';

/**
 * Channel a committed schedule change is announced on, so every due loop re-arms its timer.
 * The payload is the earliest time the change makes a row fire (milliseconds since the
 * epoch), so a loop that wakes by then anyway need not look; empty: look.
 */
export const SCHEDULE_CHANNEL = 'rotor_scheduler';

/** The NOTIFY payload for saved rows: when the first of them fires ('' when none does). */
function wakePayload(schedules: readonly Schedule[]): string {
  const times = schedules.flatMap((s) => fireAtOf(s)?.getTime() ?? []);
  return times.length === 0 ? '' : String(Math.min(...times));
}

/** When a change fires, from its NOTIFY payload; undefined when it does not say. */
export function firesAtOf(payload: string | undefined): number | undefined {
  const ms = payload ? Number(payload) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

interface ScheduleRecord {
  rotation_id: string;
  project_id: string;
  enabled: boolean;
  interval_days: number;
  rotate_at_utc: string;
  next_due_at: Date | null;
  due_at: Date | null;
  attempt: number;
  retry_at: Date | null;
  in_flight_job_id: string | null;
  generation: number;
  lease_expires_at: Date | null;
  status: ScheduleStatus;
  last_message: string | null;
}

/** Column name and SQL type, in one place for SELECT, INSERT and the JSON record set. */
const COLUMNS: [keyof ScheduleRecord, string][] = [
  ['rotation_id', 'text'],
  ['project_id', 'text'],
  ['enabled', 'boolean'],
  ['interval_days', 'integer'],
  ['rotate_at_utc', 'text'],
  ['next_due_at', 'timestamptz'],
  ['due_at', 'timestamptz'],
  ['attempt', 'integer'],
  ['retry_at', 'timestamptz'],
  ['in_flight_job_id', 'text'],
  ['generation', 'integer'],
  ['lease_expires_at', 'timestamptz'],
  ['status', 'text'],
  ['last_message', 'text'],
];
const NAMES = COLUMNS.map(([name]) => name);
const SELECT = NAMES.join(', ');
const RECORD_TYPE = COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
const UPDATE_SET = NAMES.filter((n) => n !== 'rotation_id').map((n) => `${n} = EXCLUDED.${n}`).join(', ');

/** What an in-place change did: whether the row changed, and whether the due loops are woken. */
export interface ChangeResult {
  changed: boolean;
  woke: boolean;
}

/** SQL for the `schedules` table; every method runs in the caller's transaction. */
export class ScheduleRepository {
  /** The row, locked until the transaction ends; null when the rotation is unknown. */
  static async lock(tx: EntityManager, rotationId: string): Promise<Schedule | null> {
    const rows: ScheduleRecord[] = await tx.query(`SELECT ${SELECT} FROM schedules WHERE rotation_id = $1 FOR UPDATE`, [rotationId]);
    return rows.length === 0 ? null : fromRecord(rows[0]);
  }

  static async find(m: EntityManager, rotationId: string): Promise<Schedule | null> {
    const rows: ScheduleRecord[] = await m.query(`SELECT ${SELECT} FROM schedules WHERE rotation_id = $1`, [rotationId]);
    return rows.length === 0 ? null : fromRecord(rows[0]);
  }

  /**
   * Inserts or replaces the rows (one statement) and, unless told not to, wakes the due loops
   * once it commits. The due loop's own writes only push fire times later: no one to wake.
   */
  static async save(tx: EntityManager, schedules: readonly Schedule[], opts: { notify?: boolean } = {}): Promise<void> {
    if (schedules.length === 0) return;
    const upsert = `INSERT INTO schedules (${SELECT})
       SELECT ${SELECT} FROM jsonb_to_recordset($1::jsonb) AS v(${RECORD_TYPE})
       ON CONFLICT (rotation_id) DO UPDATE SET ${UPDATE_SET}, updated_at = now()`;
    const rows = JSON.stringify(schedules.map(toRecord));
    if (opts.notify === false) {
      await tx.query(upsert, [rows]);
      return;
    }
    // The rows and the NOTIFY in one round trip (a data-modifying WITH always runs in full).
    await tx.query(`WITH saved AS (${upsert}) SELECT pg_notify($2, $3)`, [rows, SCHEDULE_CHANNEL, wakePayload(schedules)]);
  }

  /**
   * onRequested (schedule-transitions) in one statement, without reading the row first: a job
   * of a newer generation is in flight until `leaseExpiresAt`. False when the rotation is
   * unknown or the event stale (the row is left as it is).
   */
  static async applyRequested(tx: EntityManager, p: RotationRequested, leaseExpiresAt: Date): Promise<ChangeResult> {
    return ScheduleRepository.changeInPlace(
      tx, p.rotationId,
      `project_id = $3, generation = $4, in_flight_job_id = $5, attempt = $6, due_at = $7::timestamptz, retry_at = NULL,
       lease_expires_at = $8::timestamptz, status = 'in_flight'`,
      's.generation < $4',
      [p.projectId, p.generation, p.jobId, p.attempt, p.dueAt, leaseExpiresAt.toISOString()],
    );
  }

  /** onCompleted (schedule-transitions) in one statement, as applyRequested. */
  static async applyCompleted(tx: EntityManager, p: RotationCompleted): Promise<ChangeResult> {
    return ScheduleRepository.changeInPlace(
      tx, p.rotationId,
      `generation = $3, in_flight_job_id = NULL, lease_expires_at = NULL, attempt = 0, due_at = NULL, retry_at = NULL,
       next_due_at = $4::timestamptz, last_message = NULL,
       status = CASE WHEN NOT s.enabled THEN 'paused' WHEN $4::timestamptz IS NULL THEN 'idle' ELSE 'scheduled' END`,
      's.generation <= $3',
      [p.generation, p.nextRotationAt],
    );
  }

  /**
   * Locks the row, changes it by `set` (parameters from $3; `s` is the row before) where
   * `onlyIf` holds, and wakes the due loops once it commits when it now fires sooner
   * (firesSooner, on the fire_at column): one round trip. The lock is taken by the statement
   * (FOR UPDATE, then the update of the newest version of the row), as lock() then save() did.
   */
  private static async changeInPlace(
    tx: EntityManager, rotationId: string, set: string, onlyIf: string, params: unknown[],
  ): Promise<ChangeResult> {
    const rows: { woke: boolean }[] = await tx.query(
      `WITH before AS (
         SELECT rotation_id, fire_at FROM schedules WHERE rotation_id = $1 FOR UPDATE
       ), changed AS (
         UPDATE schedules AS s SET ${set}, updated_at = now()
           FROM before b WHERE s.rotation_id = b.rotation_id AND ${onlyIf}
         RETURNING b.fire_at AS fired_at_before, s.fire_at
       )
       SELECT CASE WHEN fire_at IS NOT NULL AND (fired_at_before IS NULL OR fire_at < fired_at_before)
                   THEN pg_notify($2, (extract(epoch FROM fire_at) * 1000)::bigint::text) IS NOT NULL ELSE false END AS woke
         FROM changed`,
      [rotationId, SCHEDULE_CHANNEL, ...params],
    );
    return { changed: rows.length > 0, woke: rows.length > 0 && rows[0].woke };
  }

  static async remove(tx: EntityManager, rotationId: string): Promise<void> {
    await tx.query('DELETE FROM schedules WHERE rotation_id = $1', [rotationId]);
    await ScheduleRepository.notify(tx);
  }

  /**
   * Up to `limit` rows whose fire time has come, oldest first, locked for this transaction.
   * SKIP LOCKED: rows another scheduler instance is claiming right now are left to it, so
   * no two instances ever fire the same row, and neither waits for the other.
   */
  static async claimDue(tx: EntityManager, now: Date, limit: number): Promise<Schedule[]> {
    const rows: ScheduleRecord[] = await tx.query(
      `SELECT ${SELECT} FROM schedules
       WHERE fire_at <= $1
       ORDER BY fire_at, rotation_id
       LIMIT $2
       FOR UPDATE SKIP LOCKED`,
      [now.toISOString(), limit],
    );
    return rows.map(fromRecord);
  }

  /** The nearest fire time of any row (an index lookup), or null when nothing is planned. */
  static async nextFireAt(m: EntityManager): Promise<Date | null> {
    const rows: { fire_at: Date }[] = await m.query(
      'SELECT fire_at FROM schedules WHERE fire_at IS NOT NULL ORDER BY fire_at, rotation_id LIMIT 1',
    );
    return rows.length === 0 ? null : rows[0].fire_at;
  }

  /** Delivered by Postgres on commit (and dropped on rollback). */
  private static async notify(tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [SCHEDULE_CHANNEL, '']);
  }
}

function fromRecord(r: ScheduleRecord): Schedule {
  return {
    rotationId: r.rotation_id,
    projectId: r.project_id,
    enabled: r.enabled,
    intervalDays: r.interval_days,
    rotateAtUtc: r.rotate_at_utc,
    nextDueAt: r.next_due_at,
    dueAt: r.due_at,
    attempt: r.attempt,
    retryAt: r.retry_at,
    inFlightJobId: r.in_flight_job_id,
    generation: r.generation,
    leaseExpiresAt: r.lease_expires_at,
    status: r.status,
    lastMessage: r.last_message,
  };
}

function toRecord(s: Schedule): ScheduleRecord {
  return {
    rotation_id: s.rotationId,
    project_id: s.projectId,
    enabled: s.enabled,
    interval_days: s.intervalDays,
    rotate_at_utc: s.rotateAtUtc,
    next_due_at: s.nextDueAt,
    due_at: s.dueAt,
    attempt: s.attempt,
    retry_at: s.retryAt,
    in_flight_job_id: s.inFlightJobId,
    generation: s.generation,
    lease_expires_at: s.leaseExpiresAt,
    status: s.status,
    last_message: s.lastMessage,
  };
}
