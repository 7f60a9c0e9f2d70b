import { Inject, Injectable } from '@nestjs/common';
import { EventHandlers, InboundHandlers } from '@rotor/messaging';
import { CLOCK, Clock } from '@rotor/util';
import { SCHEDULER_RULES, SchedulerRules } from '../schedule/scheduler-settings';
import { prepareJobEvents, rotationEventHandlers } from './rotation-event.handlers';

/**
 * Keeps the schedules table in step with rotation events (MessagingModule.forConsumer in
 * app.module.ts), from app start to shutdown.
 */
@Injectable()
export class RotationEventsConsumer implements InboundHandlers {
  readonly handlers: EventHandlers;
  readonly prepare: InboundHandlers['prepare'];

  constructor(@Inject(CLOCK) clock: Clock, @Inject(SCHEDULER_RULES) rules: SchedulerRules) {
    this.handlers = rotationEventHandlers(clock, rules);
    this.prepare = prepareJobEvents(clock, rules);
  }
}
