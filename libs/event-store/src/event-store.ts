import { AnyEnvelope } from '@rotor/contracts';
import { RotorError } from '@rotor/util';
import { DataSource, EntityManager } from 'typeorm';
import { lockAppendsAndReadVersion } from './append-lock';
import { DuplicateEventError, UNIQUE_VIOLATION, VersionConflictError, pgErrorOf } from './errors';
import { outboxInsert } from './outbox';
import { EVENT_ID_UNIQUE, OUTBOX_CHANNEL, STREAM_VERSION_UNIQUE } from './schema/names';
import { assertValidEnvelopes } from './validate';

export interface StoredEvent {
  /** Global position (bigint as a decimal string); increases in commit order. */
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

const COLUMNS = 'position, stream_id, version, event_id, type, schema_version, aggregate_id, occurred_at, correlation_id, causation_id, payload';

export class EventStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Appends `events` to a stream that must hold exactly `expectedVersion` events (0 = new),
   * and writes their outbox rows, in one transaction: the caller's `tx` when given, else a
   * new one. A stale expectation throws VersionConflictError and writes nothing; when the
   * caller's `tx` was given, that transaction is then to be rolled back and retried.
   */
  async append(streamId: string, expectedVersion: number, events: AnyEnvelope[], tx?: EntityManager): Promise<AppendResult> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new RotorError('EVENT_STORE.INVALID_EXPECTED_VERSION', `expected version must be a whole number >= 0, got ${expectedVersion}`);
    }
    if (events.length === 0) return { version: expectedVersion, positions: [] };
    assertValidEnvelopes(events);
    const write = (m: EntityManager) => this.write(m, streamId, expectedVersion, events);
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

  /** Up to `limit` events after a global position ('0' = from the start), in global order. */
  async readAll(afterPosition: string, limit: number): Promise<StoredEvent[]> {
    const rows: EventRecord[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM es_events WHERE position > $1::bigint ORDER BY position LIMIT $2`,
      [afterPosition, limit],
    );
    return rows.map(toStoredEvent);
  }

  /** Two round trips: the lock with the version check, then the events, their outbox rows and the NOTIFY. */
  private async write(tx: EntityManager, streamId: string, expectedVersion: number, events: AnyEnvelope[]): Promise<AppendResult> {
    const actual = await lockAppendsAndReadVersion(tx, streamId);
    if (actual !== expectedVersion) throw new VersionConflictError(streamId, expectedVersion, actual);

    const params: unknown[] = [];
    const values = events.map((event, i) => {
      params.push(
        streamId, expectedVersion + i + 1, event.eventId, event.type, event.schemaVersion, event.aggregateId,
        event.occurredAt, event.correlationId, event.causationId, JSON.stringify(event.payload),
      );
      const n = params.length;
      const p = Array.from({ length: 10 }, (_, k) => `$${n - 9 + k}`);
      p[9] = `${p[9]}::jsonb`;
      return `(${p.join(', ')})`;
    });
    const outbox = outboxInsert(events, params);
    params.push(OUTBOX_CHANNEL);
    let inserted: { position: string; version: number }[];
    try {
      // Data-modifying WITHs run in full whatever the SELECT reads; a failure of either insert
      // fails the statement, so events and outbox rows are written together or not at all.
      // Same-payload NOTIFYs of one transaction reach listeners once.
      inserted = await tx.query(
        `WITH appended AS (
           INSERT INTO es_events (stream_id, version, event_id, type, schema_version, aggregate_id, occurred_at, correlation_id, causation_id, payload)
           VALUES ${values.join(', ')} RETURNING position, version
         ), queued AS (${outbox})
         SELECT position, version, pg_notify($${params.length}, '') AS notified FROM appended`,
        params,
      );
    } catch (e) {
      // The unique constraint is the real guard (the check above is a courtesy that avoids
      // aborting the caller's transaction in the common case).
      const { code, constraint } = pgErrorOf(e);
      if (code === UNIQUE_VIOLATION && constraint === STREAM_VERSION_UNIQUE) throw new VersionConflictError(streamId, expectedVersion, null);
      if (code === UNIQUE_VIOLATION && constraint === EVENT_ID_UNIQUE) throw new DuplicateEventError(streamId);
      throw e;
    }
    const byVersion = new Map(inserted.map((r) => [r.version, String(r.position)]));
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
