import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AnyEnvelope } from '@rotor/contracts';
import { EventHandlers, InboundHandlers } from '@rotor/messaging';
import { EntityManager } from 'typeorm';
import { RecordRotationFailureCommand } from '../rotations/commands/record-rotation-failure.command';
import { RecordRotationSuccessCommand } from '../rotations/commands/record-rotation-success.command';
import { RecordVerificationCommand } from '../rotations/commands/record-verification.command';
import { RequestDueRotationCommand } from '../rotations/commands/request-due-rotation.command';
import { RotationCommandRunner } from '../rotations/rotation-command-runner';

/** The rotation whose command the event's handler runs (RotationCommandRunner.execute); null when it runs none. */
function commandedRotation(e: AnyEnvelope): string | null {
  return e.type === 'RotationDue' || e.type === 'RotationFailed' || e.type === 'RotationSecretsStored' ? e.payload.rotationId : null;
}

function commandedRotations(events: AnyEnvelope[]): string[] {
  return events.map(commandedRotation).filter((id): id is string => id !== null);
}

function needsConnection(events: AnyEnvelope[]): boolean {
  return events.some((e) => e.type === 'RotationDue');
}

/**
 * What moves a rotation along besides the API: due times from the scheduler, failures from
 * the executor, the secret store's word that the new credential is served, and the executor's
 * checks of served credentials (a drifted one is healed). MessagingModule.forConsumer (in
 * app.module.ts) applies each event once (inbox) in the transaction that appends what it caused.
 */
@Injectable()
export class RotationProgressConsumer implements InboundHandlers {
  readonly handlers: EventHandlers;

  constructor(
    commands: CommandBus,
    private readonly runner: RotationCommandRunner,
  ) {
    this.handlers = {
      RotationDue: (event, tx) => commands.execute(new RequestDueRotationCommand(event, tx)),
      RotationFailed: (event, tx) => commands.execute(new RecordRotationFailureCommand(event, tx)),
      RotationSecretsStored: (event, tx) => commands.execute(new RecordRotationSuccessCommand(event, tx)),
      CredentialsVerified: (event, tx) => commands.execute(new RecordVerificationCommand(event, tx)),
    };
  }

  /**
   * The snapshots of the rotations a transaction's commands are about, read and locked in one
   * statement rather than one per event (with their connections when a due time may request a
   * rotation, whose event carries it), and that statement is the inbox claim's own.
   */
  readAhead(events: AnyEnvelope[]): string | null {
    return this.runner.prefetchText(commandedRotations(events), { withConnection: needsConnection(events) });
  }

  /** Keeps what readAhead read, for the commands of the events claimed now. */
  async prepare(events: AnyEnvelope[], tx: EntityManager, ahead: Record<string, unknown>[]): Promise<void> {
    this.runner.prefetched(tx, commandedRotations(events), ahead, { withConnection: needsConnection(events) });
  }
}
