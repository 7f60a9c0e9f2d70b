import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EventHandlers, InboundHandlers } from '@rotor/messaging';
import { RecordRotationFailureCommand } from '../rotations/commands/record-rotation-failure.command';
import { RecordRotationSuccessCommand } from '../rotations/commands/record-rotation-success.command';
import { RecordVerificationCommand } from '../rotations/commands/record-verification.command';
import { RequestDueRotationCommand } from '../rotations/commands/request-due-rotation.command';

/**
 * What moves a rotation along besides the API: due times from the scheduler, failures from
 * the executor, the secret store's word that the new credential is served, and the executor's
 * checks of served credentials (a drifted one is healed). MessagingModule.forConsumer (in
 * app.module.ts) applies each event once (inbox) in the transaction that appends what it caused.
 */
@Injectable()
export class RotationProgressConsumer implements InboundHandlers {
  readonly handlers: EventHandlers;

  constructor(commands: CommandBus) {
    this.handlers = {
      RotationDue: (event, tx) => commands.execute(new RequestDueRotationCommand(event, tx)),
      RotationFailed: (event, tx) => commands.execute(new RecordRotationFailureCommand(event, tx)),
      RotationSecretsStored: (event, tx) => commands.execute(new RecordRotationSuccessCommand(event, tx)),
      CredentialsVerified: (event, tx) => commands.execute(new RecordVerificationCommand(event, tx)),
    };
  }
}
