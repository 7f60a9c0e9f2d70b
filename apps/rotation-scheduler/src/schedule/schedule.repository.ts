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

/** A RotationRequested (with the lease of its job) or a RotationCompleted, for applyJobEvents. */
export type JobEventItem = { requested: RotationRequested; leaseExpiresAt: Date } | { completed: RotationCompleted };

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
    return (await ScheduleRepository.applyJobEvents(tx, [{ requested: p, leaseExpiresAt }]))[0];
  }

  /** onCompleted (schedule-transitions) in one statement, as applyRequested. */
  static async applyCompleted(tx: EntityManager, p: RotationCompleted): Promise<ChangeResult> {
    return (await ScheduleRepository.applyJobEvents(tx, [{ completed: p }]))[0];
  }

  /**
   * applyRequested and applyCompleted for many rotations in one statement (each rotation at
   * most once: the caller keeps a rotation's events in order across statements). The rows are
   * locked in rotation id order, each changed where its event is not stale, and the due loops
   * are woken once it commits when any row now fires sooner (firesSooner, on the fire_at
   * column), with the earliest of those times. One result per item, in order.
   */
  static async applyJobEvents(tx: EntityManager, items: readonly JobEventItem[]): Promise<ChangeResult[]> {
    if (items.length === 0) return [];
    const ids = items.map((i) => ('requested' in i ? i.requested.rotationId : i.completed.rotationId));
    if (new Set(ids).size !== ids.length) throw new Error('applyJobEvents: a rotation appears twice in one statement');
    const req = items.flatMap((i) => ('requested' in i ? [i] : []));
    const com = items.flatMap((i) => ('completed' in i ? [i.completed] : []));
    const rows: { rotation_id: string; woke: boolean }[] = await tx.query(
      `WITH req AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::timestamptz[], $8::timestamptz[])
           AS r(rotation_id, project_id, generation, job_id, attempt, due_at, lease_expires_at)
       ), com AS (
         SELECT * FROM unnest($9::text[], $10::int[], $11::timestamptz[]) AS c(rotation_id, generation, next_due_at)
       ), before AS (
         SELECT rotation_id, fire_at FROM schedules
          WHERE rotation_id IN (SELECT rotation_id FROM req UNION ALL SELECT rotation_id FROM com)
          ORDER BY rotation_id FOR UPDATE
       ), requested AS (
         UPDATE schedules AS s
            SET project_id = r.project_id, generation = r.generation, in_flight_job_id = r.job_id, attempt = r.attempt,
                due_at = r.due_at, retry_at = NULL, lease_expires_at = r.lease_expires_at, status = 'in_flight', updated_at = now()
           FROM req r JOIN before b USING (rotation_id)
          WHERE s.rotation_id = r.rotation_id AND s.generation < r.generation
         RETURNING s.rotation_id, b.fire_at AS fired_at_before, s.fire_at
       ), completed AS (
         UPDATE schedules AS s
            SET generation = c.generation, in_flight_job_id = NULL, lease_expires_at = NULL, attempt = 0, due_at = NULL,
                retry_at = NULL, next_due_at = c.next_due_at, last_message = NULL,
                status = CASE WHEN NOT s.enabled THEN 'paused' WHEN c.next_due_at IS NULL THEN 'idle' ELSE 'scheduled' END,
                updated_at = now()
           FROM com c JOIN before b USING (rotation_id)
          WHERE s.rotation_id = c.rotation_id AND s.generation <= c.generation
         RETURNING s.rotation_id, b.fire_at AS fired_at_before, s.fire_at
       ), changed AS (
         SELECT rotation_id, fire_at, fire_at IS NOT NULL AND (fired_at_before IS NULL OR fire_at < fired_at_before) AS sooner
           FROM (SELECT * FROM requested UNION ALL SELECT * FROM completed) AS x
       ), woken AS (
         SELECT pg_notify($1, (extract(epoch FROM min(fire_at)) * 1000)::bigint::text) AS n FROM changed WHERE sooner HAVING count(*) > 0
       )
       SELECT rotation_id, sooner AS woke, (SELECT count(*) FROM woken) AS notified FROM changed`,
      [
        SCHEDULE_CHANNEL,
        req.map((i) => i.requested.rotationId), req.map((i) => i.requested.projectId), req.map((i) => i.requested.generation),
        req.map((i) => i.requested.jobId), req.map((i) => i.requested.attempt), req.map((i) => i.requested.dueAt),
        req.map((i) => i.leaseExpiresAt.toISOString()),
        com.map((p) => p.rotationId), com.map((p) => p.generation), com.map((p) => p.nextRotationAt),
      ],
    );
    const byId = new Map(rows.map((r) => [r.rotation_id, r.woke]));
    return ids.map((id) => ({ changed: byId.has(id), woke: byId.get(id) ?? false }));
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
