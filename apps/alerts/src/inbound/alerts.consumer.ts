import { Inject, Injectable } from '@nestjs/common';
import { EventHandlers, InboundHandlers } from '@rotor/messaging';
import { CLOCK, Clock } from '@rotor/util';
import { alertHandlers } from './alert-handlers';

/**
 * Reads rotation events (RotationCreated/Updated for names, RotationCompleted and
 * RotationAttemptFailed), the scheduler's RotationGaveUp and the public SecretsUpdated
 * (MessagingModule.forConsumer in app.module.ts). Each event is claimed in the inbox and
 * handled in one transaction before its offset is committed: a redelivered event queues
 * nothing twice.
 */
@Injectable()
export class AlertsConsumer implements InboundHandlers {
  readonly handlers: EventHandlers;
  readonly prepare: InboundHandlers['prepare'];

  constructor(@Inject(CLOCK) clock: Clock) {
    ({ handlers: this.handlers, prepare: this.prepare } = alertHandlers(clock));
  }
}
