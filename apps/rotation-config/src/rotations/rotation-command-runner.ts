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
import { ConnectionsRepository } from '../connections/connections.repository';
import { fromEnvelope, toEnvelopes } from './rotation-events.mapper';
import { CreatePlacement, RotationsProjection } from './rotations.projection';

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

/** Commands for one rotation, decided on its current state (a function sees that state). */
export type CommandsFor = RotationCommand[] | ((state: RotationState) => RotationCommand[]);

/**
 * Runs domain commands against one rotation, the write side of the Rotation aggregate: read
 * the stream, decide (rotation-domain), map the events to envelopes (rotation-events.mapper),
 * then append them (with the version read, so a concurrent writer makes us start over), with
 * their outbox rows, and project them into the read model (rotations.projection), all in one
 * transaction. A version conflict is retried MAX_APPEND_ATTEMPTS
 * times from a fresh read; a refusal of the aggregate is thrown as its RotorError.
 */
@Injectable()
export class RotationCommandRunner {
  private readonly logger = new Logger('RotationCommandRunner');
  private readonly events: EventStore;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly projection: RotationsProjection,
  ) {
    this.events = new EventStore(ds);
  }

  async load(rotationId: string, tx?: EntityManager): Promise<{ state: RotationState; version: number }> {
    const stored = await this.events.readStream(rotationStreamId(rotationId), tx);
    let state = initialRotationState();
    for (const s of stored) {
      const event = fromEnvelope(s.event, state);
      if (event) state = evolveRotation(state, event);
    }
    return { state, version: stored.length === 0 ? 0 : stored[stored.length - 1].version };
  }

  async execute(rotationId: string, commands: CommandsFor, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inTransaction(options.tx, (tx) => this.attempt(tx, rotationId, commands, options));
      } catch (e) {
        if (!(e instanceof VersionConflictError) || attempt >= MAX_APPEND_ATTEMPTS) throw e;
        this.logger.warn(`rotation ${rotationId}: ${e.message}; retrying (attempt ${attempt + 1} of ${MAX_APPEND_ATTEMPTS})`);
      }
    }
  }

  private async attempt(tx: EntityManager, rotationId: string, commands: CommandsFor, options: ExecuteOptions): Promise<ExecuteResult> {
    const loaded = await this.load(rotationId, tx);
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
    const envelopes: AnyEnvelope[] = await toEnvelopes(decided, (id) => this.connections.ref(id, tx), {
      correlationId: options.envelope?.correlationId ?? randomUUID(),
      causationId: options.envelope?.causationId ?? null,
    });
    const appended = await this.events.append(rotationStreamId(rotationId), loaded.version, envelopes, tx);
    await this.projection.apply(
      tx,
      decided.map((event, i) => ({
        event,
        eventId: envelopes[i].eventId,
        version: loaded.version + i + 1,
        occurredAt: envelopes[i].occurredAt,
      })),
      options.placement,
    );
    return { events: decided, state, version: appended.version };
  }

  /** A new transaction, or a savepoint inside the caller's so a retry can start over. */
  private async inTransaction<T>(tx: EntityManager | undefined, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (!tx) return this.ds.transaction(work);
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
