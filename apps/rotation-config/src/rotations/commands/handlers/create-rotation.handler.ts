import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  CreateRotation, DEFAULT_PASSWORD_REQUIREMENTS, ROTOR_ITSELF, DEFAULT_PERMISSION_SCOPE, ROTATION_ERRORS, decideRotation,
  initialRotationState, parseSecretPath,
} from '@rotor/rotation-domain';
import { CLOCK, Clock, RotorError } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../../../config';
import { ConnectionsRepository } from '../../../connections/connections.repository';
import { UnprocessableError } from '../../../http/unprocessable.error';
import { LocationChecks } from '../../location-checks';
import { translateRotationWriteError } from '../../rotation-errors';
import { JobOutcomes, JobWatch } from '../../job-outcomes';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { requesterOf } from '../../requester';
import { SecretRotationView, toRotationView } from '../../rotation.view';
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
    private readonly runner: RotationCommandRunner,
    private readonly locationChecks: LocationChecks,
    private readonly outcomes: JobOutcomes,
    private readonly connections: ConnectionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  async execute({ input, origin }: CreateRotationCommand): Promise<SecretRotationView> {
    const folderPath = parseSecretPath(input.folder.path);
    if (!folderPath.ok) throw RotorError.validation(ROTATION_ERRORS.invalid, [{ field: 'folder.path', message: folderPath.message }]);
    const echoed = input.secretPath === undefined ? null : parseSecretPath(input.secretPath);
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
      requestedBy: requesterOf(origin),
    };
    // The aggregate's own rules first, so a bad field is reported before any lookup.
    const validated = decideRotation(create, initialRotationState());
    if (validated instanceof RotorError) throw validated;

    if (!(await this.connections.find(input.connectionId, input.projectId))) {
      throw RotorError.notFound('CONNECTION.NOT_FOUND', 'the Redis connection does not exist in this project');
    }
    const location = { projectId: input.projectId, environment: input.environment.slug, secretPath: folderPath.path };
    await this.locationChecks.assertFree(location, input.name, input.secretsMapping, null);

    const watch = this.outcomes.watch(jobId);
    try {
      await this.runner.execute(
        rotationId,
        [create, { type: 'RequestRotation', reason: 'initial', jobId, dueAt: null, now, requestedBy: requesterOf(origin) }],
        { envelope: { correlationId: origin.correlationId }, placement: { environmentId: input.environment.id, environmentName: input.environment.name, folderId: input.folder.id } },
      );
    } catch (e) {
      watch.cancel();
      throw translateRotationWriteError(e);
    }

    const outcome = await this.awaitInitialIssue(rotationId, jobId, watch);
    if (outcome.ok) return outcome.view;
    await this.undo(rotationId, outcome.reason === 'timeout');
    throw initialIssueError(outcome);
  }

  private async awaitInitialIssue(rotationId: string, jobId: string, watch: JobWatch): Promise<InitialOutcome> {
    const wait = await this.outcomes.waitFor(rotationId, jobId, this.settings.initialIssueTimeoutMs, watch);
    if (wait.state === 'gone') return { ok: false, reason: 'gone', message: 'the secret rotation was deleted while its first credential set was being issued' };
    if (wait.state === 'in-flight') {
      return { ok: false, reason: 'timeout', message: `the first credential set was not issued within ${this.settings.initialIssueTimeoutMs} ms` };
    }
    if (wait.outcome.completed) return { ok: true, view: toRotationView(wait.row) };
    return { ok: false, reason: 'failed', message: wait.outcome.message };
  }

  /**
   * Deletes the half-made rotation and revokes both of its users. After a timeout the
   * secrets may still have been written, so they are deleted too; after a failure nothing
   * was stored.
   */
  private async undo(rotationId: string, timedOut: boolean): Promise<void> {
    try {
      await this.runner.execute(rotationId, [{
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
