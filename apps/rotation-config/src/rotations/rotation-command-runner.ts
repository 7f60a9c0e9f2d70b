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
  /**
   * Outside any transaction: the read takes no lock, and the append, one statement, locks the
   * snapshot row before it checks the version. Anything but that one append (a refusal,
   * nothing to do, a write of more statements, a version that moved) throws WithLockInstead.
   */
  unlocked?: boolean;
}

/** An attempt without a lock found it needs one: nothing was written, run it the locking way. */
class WithLockInstead extends Error {}

/**
 * Commands an API request sends on their own whose whole write is the append's one statement
 * (a job request: its projection goes with the append): tried without a transaction first.
 */
const UNLOCKED_FIRST: ReadonlySet<RotationCommand['type']> = new Set(['RequestRotation']);

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
 *
 * A job request outside a consumer's transaction (an API request) first goes without one: an
 * unlocked read, then the append alone, which locks the snapshot row before it checks the
 * version (two round trips instead of a transaction's three). When that append finds the
 * stream moved, or the command would not be that one append, it runs the locking way.
 */
@Injectable()
export class RotationCommandRunner {
  private readonly logger = new Logger('RotationCommandRunner');
  private readonly events: EventStore;
  /** Snapshots read ahead in a transaction (prefetchText), each for its rotation's next command there. */
  private readonly aheadOf = new WeakMap<EntityManager, Map<string, { read: SnapshotRead; withConnection: boolean }>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly projection: RotationsProjection,
  ) {
    this.events = new EventStore(ds);
  }

  /**
   * The statement that reads and locks the snapshots of `rotationIds` (rotation id order), to
   * send in a consumer's transaction with its inbox claim (its read ahead); null when there is
   * nothing to read. Its rows go to prefetched(), for the next command each rotation gets in
   * that transaction: one read for a transaction of events about many rotations, not one per
   * event. Each row read ahead is used once: a later command of the same rotation reads what
   * the earlier one wrote.
   */
  prefetchText(rotationIds: string[], opts: { withConnection: boolean }): string | null {
    const ids = [...new Set(rotationIds)];
    return ids.length === 0 ? null : RotationSnapshots.readManyText(ids, { forUpdate: true, withConnection: opts.withConnection });
  }

  /** Keeps the rows prefetchText()'s statement gave in `tx`, each for its rotation's next command there. */
  prefetched(tx: EntityManager, rotationIds: string[], rows: Record<string, unknown>[], opts: { withConnection: boolean }): void {
    const ids = [...new Set(rotationIds)];
    if (ids.length === 0) return;
    const ahead = this.aheadOf.get(tx) ?? new Map();
    for (const [id, read] of RotationSnapshots.readsOf(rows, ids, { forUpdate: true, withConnection: opts.withConnection })) {
      ahead.set(id, { read, withConnection: opts.withConnection });
    }
    this.aheadOf.set(tx, ahead);
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
    if (options.tx === undefined && typeof commands !== 'function' && commands.length > 0 && commands.every((c) => UNLOCKED_FIRST.has(c.type))) {
      try {
        return await this.attempt(this.ds.manager, rotationId, commands, options, { fromStream: false, callers: false, savepoint: false, unlocked: true });
      } catch (e) {
        if (!(e instanceof WithLockInstead || e instanceof VersionConflictError)) throw e;
      }
    }
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
    const read = how.unlocked
      ? await RotationSnapshots.read(tx, rotationId, { withConnection })
      : (this.takePrefetched(tx, rotationId, withConnection)
        ?? (await RotationSnapshots.read(tx, rotationId, { forUpdate: true, withConnection, inline: !how.callers })));
    if (how.unlocked && !read.snapshot) throw new WithLockInstead();
    const loaded = (how.fromStream ? null : read.snapshot) ?? (await this.replay(rotationId, tx));
    let state = loaded.state;
    if (options.projectId !== undefined && state.location && state.location.projectId !== options.projectId) throw rotationNotFound();
    const decided: RotationEvent[] = [];
    for (const command of typeof commands === 'function' ? commands(state) : commands) {
      const result = decideRotation(command, state);
      // Unlocked, the state may be a moment old (a transaction about to settle the job in
      // flight): a refusal is made under the lock, on the state that transaction leaves.
      if (result instanceof RotorError) throw how.unlocked ? new WithLockInstead() : result;
      for (const event of result) state = evolveRotation(state, event);
      decided.push(...result);
    }
    if (decided.length === 0) {
      if (how.unlocked) throw new WithLockInstead();
      return { events: [], state, version: loaded.version };
    }

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
    if (how.unlocked && !projected) throw new WithLockInstead();
    const write = async (m: EntityManager) => {
      const version = loaded.version + envelopes.length;
      const snapshot = RotationSnapshots.upsert(rotationId, { state, version });
      const appended = await this.events.append(rotationStreamId(rotationId), loaded.version, envelopes, m, {
        alsoWrite: projected ? (params, onlyIf) => [snapshot(params, onlyIf), ...projected(params, onlyIf)] : snapshot,
        lockFirst: how.unlocked ? RotationSnapshots.lock(rotationId) : undefined,
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

  /** The read ahead of this rotation in `tx`, if there is one of what is needed; used once. */
  private takePrefetched(tx: EntityManager, rotationId: string, withConnection: boolean): SnapshotRead | undefined {
    const ahead = this.aheadOf.get(tx);
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
