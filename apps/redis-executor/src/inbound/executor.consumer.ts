import { Injectable } from '@nestjs/common';
import { EventHandlers, InboundHandlers } from '@rotor/messaging';
import { RevocationRequestedHandler } from '../rotation/revocation-requested.handler';
import { RotationRequestedHandler } from '../rotation/rotation-requested.handler';
import { ServedCredentialsHandler } from '../verification/served-credentials.handler';

/**
 * The rotation topic's events the executor acts on (MessagingModule.forConsumer in
 * app.module.ts: inbox claim + handler in one transaction, bounded retries, then
 * `<topic>.dlq`). Other event types on the topic have no handler here and are skipped.
 */
@Injectable()
export class ExecutorConsumer implements InboundHandlers {
  readonly handlers: EventHandlers;
  readonly prepare: InboundHandlers['prepare'];
  readonly readAhead: InboundHandlers['readAhead'];

  constructor(rotation: RotationRequestedHandler, revocation: RevocationRequestedHandler, served: ServedCredentialsHandler) {
    this.handlers = {
      RotationRequested: (event, tx) => rotation.handle(event, tx),
      RevocationRequested: (event, tx) => revocation.handle(event, tx),
      // What the secret store serves, for continuous verification.
      RotationCompleted: (event, tx) => served.completed(event, tx),
      RotationDeleted: (event, tx) => served.deleted(event, tx),
    };
    // A RotationRequested's lock and job row come with the claim; completions are recorded at once.
    this.readAhead = (events) => rotation.readAhead(events);
    this.prepare = async (events, tx, ahead) => {
      rotation.prepare(tx, ahead);
      await served.prepare(events, tx);
    };
  }
}
