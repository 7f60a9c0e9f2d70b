import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { causedBy } from '@rotor/contracts';
import { ROTOR_ITSELF } from '@rotor/rotation-domain';
import { CLOCK, Clock } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { RequestDueRotationCommand } from '../request-due-rotation.command';
import { ignoringUnknownRotation } from '../../ignore-unknown-rotation';

/** Scheduled and retry requests; the aggregate ignores them while one is in flight. */
@CommandHandler(RequestDueRotationCommand)
export class RequestDueRotationHandler implements ICommandHandler<RequestDueRotationCommand> {
  private readonly logger = new Logger('RequestDueRotation');

  constructor(
    private readonly runner: RotationCommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ event, tx }: RequestDueRotationCommand): Promise<void> {
    const p = event.payload;
    await ignoringUnknownRotation(this.logger, `RotationDue ${event.eventId}`, () =>
      this.runner.execute(
        p.rotationId,
        [{ type: 'RequestRotation', reason: p.reason, jobId: randomUUID(), dueAt: new Date(p.dueAt), now: this.clock.now(), requestedBy: ROTOR_ITSELF }],
        { tx, envelope: causedBy(event) },
      ),
    );
  }
}
