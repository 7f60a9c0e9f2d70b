import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { causedBy } from '@rotor/contracts';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../../../config';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { RecordRotationSuccessCommand } from '../record-rotation-success.command';
import { ignoringUnknownRotation } from '../../ignore-unknown-rotation';

/** The rotation completes when the secret store serves the new credential. */
@CommandHandler(RecordRotationSuccessCommand)
export class RecordRotationSuccessHandler implements ICommandHandler<RecordRotationSuccessCommand> {
  private readonly logger = new Logger('RecordRotationSuccess');

  constructor(
    private readonly runner: RotationCommandRunner,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  async execute({ event, tx }: RecordRotationSuccessCommand): Promise<void> {
    const p = event.payload;
    await ignoringUnknownRotation(this.logger, `RotationSecretsStored ${event.eventId}`, () =>
      this.runner.execute(
        p.rotationId,
        [{ type: 'RecordRotationSuccess', jobId: p.jobId, generation: p.generation, activeIndex: p.activeIndex, now: new Date(p.storedAt), unit: this.settings.scheduleUnit }],
        { tx, envelope: causedBy(event) },
      ),
    );
  }
}
