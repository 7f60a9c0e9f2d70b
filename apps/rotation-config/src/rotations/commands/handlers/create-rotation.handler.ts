import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  CreateRotation, DEFAULT_PASSWORD_REQUIREMENTS, ROTOR_ITSELF, DEFAULT_PERMISSION_SCOPE, ROTATION_ERRORS, decideRotation,
  initialRotationState, normalizeSecretPath,
} from '@rotor/rotation-domain';
import { CLOCK, Clock, RotorError, sleep } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../../../config/rotation-config.config';
import { ConnectionsRepository } from '../../../connections/connections.repository';
import { UnprocessableError } from '../../../http/unprocessable.error';
import { locationConflicts, translateRotationWriteError } from '../../rotation-errors';
import { RotationStore } from '../../rotation.store';
import { SecretRotationView, toRotationView } from '../../rotation.view';
import { RotationsReadModel } from '../../rotations.read-model';
import { CreateRotationCommand } from '../create-rotation.command';

type InitialOutcome = { ok: true; view: SecretRotationView } | { ok: false; reason: 'failed' | 'timeout' | 'gone'; message: string };

/**
 * Creates the rotation and requests its first credential set in one append, then waits
 * (bounded) until the read model shows that issue completed or failed. When it failed or
 * did not finish in time, the rotation is deleted again, its users revoked, and the caller
 * told why: no rotation is left behind.
 */
@CommandHandler(CreateRotationCommand)
export class CreateRotationHandler implements ICommandHandler<CreateRotationCommand> {
  private readonly logger = new Logger('CreateRotation');

  constructor(
    private readonly store: RotationStore,
    private readonly readModel: RotationsReadModel,
    private readonly connections: ConnectionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  async execute({ input, origin }: CreateRotationCommand): Promise<SecretRotationView> {
    const folderPath = normalizeSecretPath(input.folder.path);
    if (!folderPath.ok) throw RotorError.validation(ROTATION_ERRORS.invalid, [{ field: 'folder.path', message: folderPath.message }]);
    const echoed = input.secretPath === undefined ? null : normalizeSecretPath(input.secretPath);
    if (echoed && (!echoed.ok || echoed.path !== folderPath.path)) {
      throw RotorError.validation(ROTATION_ERRORS.invalid, [{ field: 'secretPath', message: 'must be the folder path the rotation is created in' }]);
    }

    const rotationId = randomUUID();
    const jobId = randomUUID();
    const now = this.clock.now();
    const create: CreateRotation = {
      type: 'CreateRotation',
      rotationId,
      projectId: input.projectId,
      environment: input.environment.slug,
      secretPath: folderPath.path,
      connectionId: input.connectionId,
      name: input.name,
      description: input.description,
      isAutoRotationEnabled: input.isAutoRotationEnabled,
      rotationInterval: input.rotationInterval,
      rotateAtUtc: input.rotateAtUtc,
      parameters: {
        passwordRequirements: input.parameters.passwordRequirements ?? DEFAULT_PASSWORD_REQUIREMENTS,
        permissionScope: input.parameters.permissionScope?.trim() || DEFAULT_PERMISSION_SCOPE,
      },
      secretsMapping: input.secretsMapping,
      now,
      requestedBy: origin.actor,
    };
    // The aggregate's own rules first, so a bad field is reported before any lookup.
    const validated = decideRotation(create, initialRotationState());
    if (validated instanceof RotorError) throw validated;

    if (!(await this.connections.find(input.connectionId, input.projectId))) {
      throw RotorError.notFound('CONNECTION.NOT_FOUND', 'the Redis connection does not exist in this project');
    }
    const location = { projectId: input.projectId, environment: input.environment.slug, secretPath: folderPath.path };
    const taken = await this.readModel.conflicts(location, input.name, [input.secretsMapping.username, input.secretsMapping.password], null);
    const conflict = locationConflicts(input.name, taken.nameTaken, input.secretsMapping, taken.mappedBy);
    if (conflict) throw conflict;

    try {
      await this.store.execute(
        rotationId,
        [create, { type: 'RequestRotation', reason: 'initial', jobId, dueAt: null, now, requestedBy: origin.actor }],
        { envelope: { correlationId: origin.correlationId }, placement: { environmentId: input.environment.id, environmentName: input.environment.name, folderId: input.folder.id } },
      );
    } catch (e) {
      throw translateRotationWriteError(e);
    }

    const outcome = await this.awaitInitialIssue(rotationId, jobId);
    if (outcome.ok) return outcome.view;
    await this.undo(rotationId, outcome.reason === 'timeout');
    throw initialIssueError(outcome);
  }

  private async awaitInitialIssue(rotationId: string, jobId: string): Promise<InitialOutcome> {
    const deadline = Date.now() + this.settings.initialIssueTimeoutMs;
    for (;;) {
      const row = await this.readModel.findRow(rotationId);
      if (!row) return { ok: false, reason: 'gone', message: 'the secret rotation was deleted while its first credential set was being issued' };
      if (row.last_rotation_job_id === jobId && row.in_flight_job_id === null) {
        if (row.rotation_status === 'success') return { ok: true, view: toRotationView(row) };
        return { ok: false, reason: 'failed', message: row.last_rotation_message ?? 'the rotation failed' };
      }
      if (Date.now() >= deadline) {
        return { ok: false, reason: 'timeout', message: `the first credential set was not issued within ${this.settings.initialIssueTimeoutMs} ms` };
      }
      await sleep(this.settings.initialIssuePollMs);
    }
  }

  /**
   * Deletes the half-made rotation and revokes both of its users. After a timeout the
   * secrets may still have been written, so they are deleted too; after a failure nothing
   * was stored.
   */
  private async undo(rotationId: string, timedOut: boolean): Promise<void> {
    try {
      await this.store.execute(rotationId, [{
        type: 'DeleteRotation',
        deleteSecrets: timedOut,
        revokeGeneratedCredentials: true,
        revocationJobId: randomUUID(),
        now: this.clock.now(),
        requestedBy: ROTOR_ITSELF,
      }]);
    } catch (e) {
      if (!(e instanceof RotorError && e.code === ROTATION_ERRORS.notFound)) throw e;
      this.logger.warn(`rotation ${rotationId} was already deleted`);
    }
  }
}

function initialIssueError(outcome: Extract<InitialOutcome, { ok: false }>): RotorError {
  if (outcome.reason === 'timeout') {
    return new RotorError('ROTATION.INITIAL_ISSUE_TIMEOUT', `${outcome.message}; the rotation was not created (try again)`, 'unavailable');
  }
  if (outcome.reason === 'gone') return RotorError.conflict('ROTATION.DELETED_DURING_CREATE', outcome.message);
  return new UnprocessableError(
    'ROTATION.INITIAL_ISSUE_FAILED',
    `the first credential set could not be issued, so the rotation was not created: ${outcome.message}`,
    [{ field: 'connectionId', message: outcome.message }],
  );
}
