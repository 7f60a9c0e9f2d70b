import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ROTATION_ERRORS, rotationNotFound } from '@rotor/rotation-domain';
import { CLOCK, Clock, RotorError } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../../../config';
import { JobOutcomes } from '../../job-outcomes';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { requesterOf } from '../../requester';
import { toRotationView } from '../../rotation.view';
import { StoredJobs } from '../../stored-jobs';
import { RotateSecretsCommand, RotateSecretsOutcome } from '../rotate-secrets.command';

/**
 * Requests a manual rotation and waits (bounded: `rotateWaitMs`) for its outcome, as create
 * waits for the first credential set, so the answer carries the new active index and status.
 * A request refused because a job is in flight is made once more when the secret store has
 * already stored that job (StoredJobs): a client that reads the new secret and rotates again
 * at once is never told a rotation is still in flight.
 */
@CommandHandler(RotateSecretsCommand)
export class RotateSecretsHandler implements ICommandHandler<RotateSecretsCommand> {
  constructor(
    private readonly runner: RotationCommandRunner,
    private readonly outcomes: JobOutcomes,
    private readonly storedJobs: StoredJobs,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  async execute({ rotationId, projectId, origin }: RotateSecretsCommand): Promise<RotateSecretsOutcome> {
    const jobId = randomUUID();
    const watch = this.outcomes.watch(jobId);
    try {
      await this.request(rotationId, projectId, jobId, origin);
    } catch (e) {
      watch.cancel();
      throw e;
    }
    const wait = await this.outcomes.waitFor(rotationId, jobId, this.settings.rotateWaitMs, watch);
    if (wait.state === 'gone') throw rotationNotFound();
    return { secretRotation: toRotationView(wait.row), jobId, settled: wait.state === 'settled' };
  }

  private async request(rotationId: string, projectId: string | undefined, jobId: string, origin: RotateSecretsCommand['origin']): Promise<void> {
    const append = () =>
      this.runner.execute(
        rotationId,
        [{ type: 'RequestRotation', reason: 'manual', jobId, dueAt: null, now: this.clock.now(), requestedBy: requesterOf(origin) }],
        { projectId, envelope: { correlationId: origin.correlationId } },
      );
    try {
      await append();
    } catch (e) {
      if (!(e instanceof RotorError && e.code === ROTATION_ERRORS.inFlight)) throw e;
      if (!(await this.storedJobs.settledStoredJob(rotationId, projectId))) throw e;
      await append();
    }
  }
}
