import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AnyEnvelope, EnvelopeOptions } from '@rotor/contracts';
import { EventStore, VersionConflictError } from '@rotor/event-store';
import {
  RotationCommand, RotationEvent, RotationState, decideRotation, evolveRotation, initialRotationState, rotationNotFound,
} from '@rotor/rotation-domain';
import { RotorError } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ConnectionsRepository, connectionFromJson, refOf } from '../connections/connections.repository';
import { fromEnvelope, toEnvelopes } from './rotation-events.mapper';
import { CreatePlacement, RotationsProjection } from './rotations.projection';
import { RotationSnapshots, Snapshot, SnapshotRead } from './rotation-snapshots';

export const MAX_APPEND_ATTEMPTS = 5;

export function rotationStreamId(rotationId: string): string {
  return `rotation-${rotationId}`;
}

export interface ExecuteOptions {
  /** Run inside this transaction (a consumer's, with its inbox claim); else in a new one. */
  tx?: EntityManager;
  /** Only a rotation of this project is found; any other is ROTATION.NOT_FOUND. */
  projectId?: string;
  /** Correlation and causation of the events (the event that caused them). */
  envelope?: Omit<EnvelopeOptions, 'eventId'>;
  /** Needed with a CreateRotation command. */
  placement?: CreatePlacement;
}

export interface ExecuteResult {
  events: RotationEvent[];
  state: RotationState;
  version: number;
}

interface AttemptMode {
  /** Replay the stream even when a snapshot is there. */
  fromStream: boolean;
  /** In the caller's transaction. */
  callers: boolean;
  /** Set by the attempt when it wrote inside a savepoint. */
  savepoint: boolean;
}

/** Commands for one rotation, decided on its current state (a function sees that state). */
export type CommandsFor = RotationCommand[] | ((state: RotationState) => RotationCommand[]);

/**
 * Runs domain commands against one rotation, the write side of the Rotation aggregate: read
 * its state (the snapshot row, locked; the stream replayed when there is none of the current
 * shape), decide (rotation-domain), map the events to envelopes (rotation-events.mapper), then
 * append them (with the version read, so a concurrent writer makes us start over), with their
 * outbox rows, write the new snapshot and project them into the read model
 * (rotations.projection), all in one transaction. A version conflict is retried
 * MAX_APPEND_ATTEMPTS times from a fresh read of the stream; a refusal of the aggregate is
 * thrown as its RotorError.
 */
@Injectable()
export class RotationCommandRunner {
  private readonly logger = new Logger('RotationCommandRunner');
  private readonly events: EventStore;
  /** Snapshots read ahead in a transaction (prefetch), each for its rotation's next command there. */
  private readonly prefetched = new WeakMap<EntityManager, Map<string, { read: SnapshotRead; withConnection: boolean }>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly projection: RotationsProjection,
  ) {
    this.events = new EventStore(ds);
  }

  /**
   * Reads and locks the snapshots of `rotationIds` in `tx`, in one statement (rotation id
   * order), for the next command each of them gets in `tx`: a consumer's transaction of events
   * for many rotations then takes one read, not one per event. Each one read ahead is used
   * once: a later command of the same rotation reads what the earlier one wrote.
   */
  async prefetch(tx: EntityManager, rotationIds: string[], opts: { withConnection: boolean }): Promise<void> {
    const ids = [...new Set(rotationIds)];
    if (ids.length === 0) return;
    const reads = await RotationSnapshots.readMany(tx, ids, { forUpdate: true, withConnection: opts.withConnection });
    const ahead = this.prefetched.get(tx) ?? new Map();
    for (const [id, read] of reads) ahead.set(id, { read, withConnection: opts.withConnection });
    this.prefetched.set(tx, ahead);
  }

  /** The rotation's current state and stream version: its snapshot, else a replay of its stream. */
  async load(rotationId: string, tx?: EntityManager): Promise<Snapshot> {
    const m = tx ?? this.ds.manager;
    return (await RotationSnapshots.read(m, rotationId)).snapshot ?? this.replay(rotationId, m);
  }

  /** The state from the whole stream: what a snapshot must always equal. */
  async replay(rotationId: string, tx?: EntityManager): Promise<Snapshot> {
    const stored = await this.events.readStream(rotationStreamId(rotationId), tx);
    let state = initialRotationState();
    for (const s of stored) {
      const event = fromEnvelope(s.event);
      if (event) state = evolveRotation(state, event);
    }
    return { state, version: stored.length === 0 ? 0 : stored[stored.length - 1].version };
  }

  async execute(rotationId: string, commands: CommandsFor, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const how: AttemptMode = { fromStream: false, callers: options.tx !== undefined, savepoint: false };
    for (let attempt = 1; ; attempt++) {
      try {
        // A conflict after reading the snapshot means it lags its stream (it cannot, unless the
        // stream was written outside this runner): later attempts replay the stream itself.
        how.fromStream = attempt > 1;
        how.savepoint = false;
        const work = (tx: EntityManager) => this.attempt(tx, rotationId, commands, options, how);
        return await (options.tx ? work(options.tx) : this.ds.transaction(work));
      } catch (e) {
        // A conflict found by the append's unique constraint (actualVersion null) aborted the
        // transaction; in the caller's, only one inside a savepoint can be retried here.
        const retryable = e instanceof VersionConflictError && (options.tx === undefined || e.actualVersion !== null || how.savepoint);
        if (!retryable || attempt >= MAX_APPEND_ATTEMPTS) throw e;
        this.logger.warn(`rotation ${rotationId}: ${e.message}; retrying (attempt ${attempt + 1} of ${MAX_APPEND_ATTEMPTS})`);
      }
    }
  }

  private async attempt(
    tx: EntityManager, rotationId: string, commands: CommandsFor, options: ExecuteOptions, how: AttemptMode,
  ): Promise<ExecuteResult> {
    // Locks the snapshot row (when there is one) whether or not its state is used; with it, the
    // connection its state names when the commands may send it (RotationRequested and
    // RevocationRequested carry it), in the same statement rather than one of its own.
    const withConnection = mayNeedConnection(commands);
    // In a transaction of its own the read is the first statement: inline, it goes out with
    // the START TRANSACTION (an API command costs one round trip less).
    const read = this.takePrefetched(tx, rotationId, withConnection)
      ?? (await RotationSnapshots.read(tx, rotationId, { forUpdate: true, withConnection, inline: !how.callers }));
    const loaded = (how.fromStream ? null : read.snapshot) ?? (await this.replay(rotationId, tx));
    let state = loaded.state;
    if (options.projectId !== undefined && state.location && state.location.projectId !== options.projectId) throw rotationNotFound();
    const decided: RotationEvent[] = [];
    for (const command of typeof commands === 'function' ? commands(state) : commands) {
      const result = decideRotation(command, state);
      if (result instanceof RotorError) throw result;
      for (const event of result) state = evolveRotation(state, event);
      decided.push(...result);
    }
    if (decided.length === 0) return { events: [], state, version: loaded.version };

    // The events of one request share one correlation id.
    const prefetched = connectionFromJson(read.connection);
    const connectionOf = (id: string) => (prefetched?.id === id ? Promise.resolve(refOf(prefetched)) : this.connections.ref(id, tx));
    const envelopes: AnyEnvelope[] = await toEnvelopes(decided, connectionOf, {
      correlationId: options.envelope?.correlationId ?? randomUUID(),
      causationId: options.envelope?.causationId ?? null,
    });
    const applied = decided.map((event, i) => ({ event, eventId: envelopes[i].eventId, version: loaded.version + i + 1, occurredAt: envelopes[i].occurredAt }));
    // The job events' projection is written by the append's own statement, with the snapshot;
    // the rest (create, update, delete) take statements of their own after it.
    const projected = this.projection.inAppend(applied);
    const write = async (m: EntityManager) => {
      const version = loaded.version + envelopes.length;
      const snapshot = RotationSnapshots.upsert(rotationId, { state, version });
      const appended = await this.events.append(rotationStreamId(rotationId), loaded.version, envelopes, m, {
        alsoWrite: projected ? (params, onlyIf) => [snapshot(params, onlyIf), ...projected(params, onlyIf)] : snapshot,
      });
      if (!projected) await this.projection.apply(m, applied, options.placement);
      return { events: decided, state, version: appended.version };
    };
    // Nothing was written so far, and a stale version is refused without an error in the
    // transaction: with the snapshot row locked, no other writer can race this append, so
    // the caller's transaction needs no savepoint. Without a row to lock (a rotation written
    // before snapshots), a racing append aborts the transaction: a savepoint keeps the
    // caller's usable for the retry.
    if (!how.callers || read.locked) return write(tx);
    how.savepoint = true;
    return this.inSavepoint(tx, write);
  }

  /** The read prefetch() did for this rotation in `tx`, if it has one of what is needed; used once. */
  private takePrefetched(tx: EntityManager, rotationId: string, withConnection: boolean): SnapshotRead | undefined {
    const ahead = this.prefetched.get(tx);
    const entry = ahead?.get(rotationId);
    if (!entry) return undefined;
    ahead?.delete(rotationId);
    // Without the connection the commands need, read again (the row is locked already).
    return !withConnection || entry.withConnection ? entry.read : undefined;
  }

  /** A savepoint inside the caller's transaction, so a retry can start over. */
  private async inSavepoint<T>(tx: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const savepoint = `rotation_${randomUUID().replace(/-/g, '')}`;
    await tx.query(`SAVEPOINT ${savepoint}`);
    try {
      const result = await work(tx);
      await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (e) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw e;
    }
  }
}

/** Whether the commands may decide an event that carries the rotation's connection. */
function mayNeedConnection(commands: CommandsFor): boolean {
  return typeof commands === 'function' || commands.some((c) => c.type === 'RequestRotation' || c.type === 'DeleteRotation');
}
