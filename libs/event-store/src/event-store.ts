import { AnyEnvelope } from '@rotor/contracts';
import { RotorError } from '@rotor/util';
import { DataSource, EntityManager } from 'typeorm';
import { DuplicateEventError, UNIQUE_VIOLATION, VersionConflictError, pgErrorOf } from './errors';
import { outboxInsert, outboxNotify } from './outbox';
import { EVENT_ID_UNIQUE, STREAM_VERSION_UNIQUE } from './schema/names';
import { assertValidEnvelopes } from './validate';

export interface StoredEvent {
  /**
   * Global position (bigint as a decimal string): unique, and increasing within a stream. Not
   * a commit order across streams (appends to different streams run concurrently).
   */
  position: string;
  streamId: string;
  /** 1-based position of the event in its stream. */
  version: number;
  event: AnyEnvelope;
}

export interface AppendResult {
  /** The stream's version after the append (= expectedVersion + events.length). */
  version: number;
  /** Global positions of the appended events, in the order given. */
  positions: string[];
}

export interface AppendOptions {
  /**
   * More data-modifying statements (INSERT, UPDATE or DELETE) run in the append's own
   * statement, so rows that must change with the stream (a snapshot, a state row, a
   * projection) cost no round trip of their own. Add their parameters to `params` and refer
   * to them as `$<index>`; each must write only where `onlyIf` (an SQL condition) holds, which
   * is true exactly when the events are appended.
   */
  alsoWrite?: (params: unknown[], onlyIf: string) => string | string[];
  /**
   * A SELECT … FOR UPDATE of rows that other writers of this stream hold locked while they
   * append (a snapshot row, say), run before anything else of the statement: for an append
   * outside any transaction that read without that lock. It waits for such a writer to commit
   * and then finds the stream moved (VersionConflictError), rather than write first and then
   * wait for a row that writer holds while it waits for this statement's events (a deadlock).
   */
  lockFirst?: (params: unknown[]) => string;
}

/** True in the append's statement when the stream is at the expected version (see write). */
const FRESH = 'EXISTS (SELECT 1 FROM fresh)';

interface EventRecord {
  position: string;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  schema_version: number;
  aggregate_id: string;
  occurred_at: Date;
  correlation_id: string;
  causation_id: string | null;
  payload: unknown;
}

/** The appended rows' columns, named (not `v.*`) so the statement can be prepared (prepareRepeatedStatements). */
const VALUE_COLUMNS = 'version, event_id, type, schema_version, aggregate_id, occurred_at, correlation_id, causation_id, payload';

const COLUMNS = 'position, stream_id, version, event_id, type, schema_version, aggregate_id, occurred_at, correlation_id, causation_id, payload';

export class EventStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Appends `events` to a stream that must hold exactly `expectedVersion` events (0 = new),
   * and writes their outbox rows, in one transaction: the caller's `tx` when given, else a
   * new one. A stale expectation throws VersionConflictError and writes nothing; when the
   * caller's `tx` was given, that transaction is then to be rolled back and retried.
   */
  async append(
    streamId: string, expectedVersion: number, events: AnyEnvelope[], tx?: EntityManager, options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new RotorError('EVENT_STORE.INVALID_EXPECTED_VERSION', `expected version must be a whole number >= 0, got ${expectedVersion}`);
    }
    if (events.length === 0) return { version: expectedVersion, positions: [] };
    const json = assertValidEnvelopes(events);
    const write = (m: EntityManager) => this.write(m, streamId, expectedVersion, events, options, json);
    return tx ? write(tx) : this.ds.transaction(write);
  }

  /** The whole stream, ordered by version; empty for a stream that does not exist. */
  async readStream(streamId: string, tx?: EntityManager): Promise<StoredEvent[]> {
    const rows: EventRecord[] = await (tx ?? this.ds.manager).query(
      `SELECT ${COLUMNS} FROM es_events WHERE stream_id = $1 ORDER BY version`,
      [streamId],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * One round trip: the version check, the events, their outbox rows and the NOTIFY in one
   * statement. Appends to different streams never wait for each other; two appends to one
   * stream are ordered by UNIQUE(stream_id, version).
   */
  private async write(
    tx: EntityManager, streamId: string, expectedVersion: number, events: AnyEnvelope[], options: AppendOptions, json: readonly string[],
  ): Promise<AppendResult> {
    const params: unknown[] = [streamId, expectedVersion];
    const values = events.map((event, i) => {
      params.push(
        expectedVersion + i + 1, event.eventId, event.type, event.schemaVersion, event.aggregateId,
        event.occurredAt, event.correlationId, event.causationId, JSON.stringify(event.payload),
      );
      const n = params.length - 8;
      return `($${n}::int, $${n + 1}::uuid, $${n + 2}::text, $${n + 3}::int, $${n + 4}::text, $${n + 5}::timestamptz, ` +
        `$${n + 6}::text, $${n + 7}::text, $${n + 8}::jsonb)`;
    });
    // Every part writes only when the stream is where the caller read it (`fresh`), so a stale
    // expectation writes nothing and leaves the caller's transaction usable for a retry.
    const outbox = outboxInsert(events, params, FRESH, json);
    const alsoWritten = options.alsoWrite?.(params, FRESH) ?? [];
    const also = (typeof alsoWritten === 'string' ? [alsoWritten] : alsoWritten).map((sql, i) => `, also_${i + 1} AS (${sql})`).join('');
    const notify = outboxNotify(params);
    // A one-time filter on an uncorrelated subquery, in `current`: every part of the statement
    // writes only after `fresh` (so `current`) is known, so the rows are locked before any write.
    const locked = options.lockFirst ? ` AND (SELECT count(*) FROM (${options.lockFirst(params)}) AS l) >= 0` : '';
    let rows: { current: number; position: string | null; version: number | null }[];
    try {
      // Data-modifying WITHs run in full whatever the SELECT reads; a failure of either insert
      // fails the statement, so events and outbox rows are written together or not at all.
      // Same-payload NOTIFYs of one transaction reach listeners once.
      rows = await tx.query(
        `WITH current AS (
           SELECT COALESCE(MAX(version), 0)::int AS version FROM es_events WHERE stream_id = $1${locked}
         ), fresh AS (
           SELECT 1 FROM current WHERE version = $2::int
         ), appended AS (
           INSERT INTO es_events (stream_id, version, event_id, type, schema_version, aggregate_id, occurred_at, correlation_id, causation_id, payload)
           SELECT $1, ${VALUE_COLUMNS} FROM (VALUES ${values.join(', ')}) AS v(${VALUE_COLUMNS}) WHERE ${FRESH}
           RETURNING position, version
         ), queued AS (${outbox})${also}
         SELECT c.version AS current, a.position, a.version,
                CASE WHEN a.position IS NOT NULL THEN ${notify} END AS notified
           FROM current c LEFT JOIN appended a ON true`,
        params,
      );
    } catch (e) {
      // Someone appended to the stream after this statement's snapshot was taken (the check
      // above could not see it): UNIQUE(stream_id, version) is the real guard. This aborts
      // the caller's transaction; the stale-read case above does not.
      const { code, constraint } = pgErrorOf(e);
      if (code === UNIQUE_VIOLATION && constraint === STREAM_VERSION_UNIQUE) throw new VersionConflictError(streamId, expectedVersion, null);
      if (code === UNIQUE_VIOLATION && constraint === EVENT_ID_UNIQUE) throw new DuplicateEventError(streamId);
      throw e;
    }
    const actual = rows[0].current;
    if (actual !== expectedVersion) throw new VersionConflictError(streamId, expectedVersion, actual);
    const byVersion = new Map(rows.map((r) => [r.version, String(r.position)]));
    return {
      version: expectedVersion + events.length,
      positions: events.map((_, i) => byVersion.get(expectedVersion + i + 1) as string),
    };
  }
}

function toStoredEvent(row: EventRecord): StoredEvent {
  const event = {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    occurredAt: row.occurred_at.toISOString(),
    aggregateId: row.aggregate_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    payload: row.payload,
  } as AnyEnvelope;
  return { position: String(row.position), streamId: row.stream_id, version: row.version, event };
}
