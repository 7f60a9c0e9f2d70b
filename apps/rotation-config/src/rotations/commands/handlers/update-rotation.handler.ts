import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEFAULT_PERMISSION_SCOPE, RotationParameters, RotationSettings, rotationNotFound } from '@rotor/rotation-domain';
import { CLOCK, Clock } from '@rotor/util';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../../../config';
import { LocationChecks } from '../../location-checks';
import { translateRotationWriteError } from '../../rotation-errors';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { requesterOf } from '../../requester';
import { SecretRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { UpdateRotationCommand } from '../update-rotation.command';

/** PATCH: new scope, password requirements and mapping apply from the next rotation. */
@CommandHandler(UpdateRotationCommand)
export class UpdateRotationHandler implements ICommandHandler<UpdateRotationCommand> {
  constructor(
    private readonly runner: RotationCommandRunner,
    private readonly readModel: RotationsReadModel,
    private readonly locationChecks: LocationChecks,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  async execute({ rotationId, projectId, changes, origin }: UpdateRotationCommand): Promise<SecretRotationView> {
    const row = await this.readModel.findRow(rotationId, projectId);
    if (!row) throw rotationNotFound();
    const location = { projectId: row.project_id, environment: row.environment_slug, secretPath: row.secret_path };
    await this.locationChecks.assertFree(location, changes.name, changes.secretsMapping, rotationId);

    try {
      await this.runner.execute(
        rotationId,
        (state) => {
          const settings: Partial<RotationSettings> = {
            name: changes.name,
            description: changes.description,
            isAutoRotationEnabled: changes.isAutoRotationEnabled,
            rotationInterval: changes.rotationInterval,
            rotateAtUtc: changes.rotateAtUtc,
            secretsMapping: changes.secretsMapping,
            parameters: changes.parameters && state.settings ? mergeParameters(state.settings.parameters, changes.parameters) : undefined,
          };
          return [{ type: 'UpdateRotation', changes: settings, now: this.clock.now(), unit: this.settings.scheduleUnit, requestedBy: requesterOf(origin) }];
        },
        { projectId, envelope: { correlationId: origin.correlationId } },
      );
    } catch (e) {
      throw translateRotationWriteError(e);
    }
    return this.readModel.get(rotationId);
  }
}

function mergeParameters(current: RotationParameters, patch: Partial<RotationParameters>): RotationParameters {
  return {
    passwordRequirements: patch.passwordRequirements ?? current.passwordRequirements,
    permissionScope: patch.permissionScope === undefined ? current.permissionScope : patch.permissionScope.trim() || DEFAULT_PERMISSION_SCOPE,
  };
}
