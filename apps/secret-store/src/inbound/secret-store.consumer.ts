import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EventHandlers, InboundHandlers } from '@rotor/messaging';
import { ReleaseRotationSecretsCommand } from '../rotations/commands/release-rotation-secrets.command';
import { SettleTimedOutJobCommand } from '../rotations/commands/settle-timed-out-job.command';
import { StoreRotatedCredentialsCommand } from '../rotations/commands/store-rotated-credentials.command';

/**
 * Feeds CredentialsRotated and RotationTimedOut (executor events) and RotationDeleted
 * (rotation events) to their command handlers (MessagingModule.forConsumer in app.module.ts).
 * Each event is claimed in the inbox and handled in one transaction, then its offset is
 * committed; every other event on those topics is skipped.
 */
@Injectable()
export class SecretStoreConsumer implements InboundHandlers {
  readonly handlers: EventHandlers;

  constructor(commands: CommandBus) {
    this.handlers = {
      CredentialsRotated: async (event, tx) => {
        await commands.execute(new StoreRotatedCredentialsCommand(event, tx));
      },
      RotationTimedOut: async (event, tx) => {
        await commands.execute(new SettleTimedOutJobCommand(event, tx));
      },
      RotationDeleted: async (event, tx) => {
        await commands.execute(new ReleaseRotationSecretsCommand(event, tx));
      },
    };
  }
}
