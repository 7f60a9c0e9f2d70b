import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { causedBy } from '@rotor/contracts';
import { countHeal } from '../../heal-metrics';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { RecordRotationFailureCommand } from '../record-rotation-failure.command';
import { ignoringUnknownRotation } from '../../ignore-unknown-rotation';

@CommandHandler(RecordRotationFailureCommand)
export class RecordRotationFailureHandler implements ICommandHandler<RecordRotationFailureCommand> {
  private readonly logger = new Logger('RecordRotationFailure');

  constructor(private readonly runner: RotationCommandRunner) {}

  async execute({ event, tx }: RecordRotationFailureCommand): Promise<void> {
    const p = event.payload;
    await ignoringUnknownRotation(this.logger, `RotationFailed ${event.eventId}`, async () => {
      const { events } = await this.runner.execute(
        p.rotationId,
        [{ type: 'RecordRotationFailure', jobId: p.jobId, message: p.message, retryable: p.retryable, now: new Date(p.failedAt) }],
        { tx, envelope: causedBy(event) },
      );
      if (events.some((e) => e.type === 'RotationAttemptFailed' && e.data.reason === 'heal')) countHeal('failed');
    });
  }
}
