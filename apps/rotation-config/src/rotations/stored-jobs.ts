import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../config';
import { SecretStoreClient } from '../secret-store/secret-store.client';
import { JobOutcomes } from './job-outcomes';
import { RotationRow } from './rotation.view';
import { RotationsReadModel } from './rotations.read-model';

/**
 * The secret store serves a job's credentials from the moment it stores them; this service
 * records the job as completed only when its RotationSecretsStored arrives, a moment later.
 * In between, a client that already reads the new secret would see this rotation still in
 * flight with the previous active index, and a rotate-secrets would be refused as in flight.
 * So a rotation with a job in flight asks the secret store whether that job is stored, and if
 * it is, waits (bounded: `settleWaitMs`) for the completion on its way before answering.
 */
@Injectable()
export class StoredJobs {
  private readonly logger = new Logger('StoredJobs');

  constructor(
    private readonly secretStore: SecretStoreClient,
    private readonly outcomes: JobOutcomes,
    private readonly readModel: RotationsReadModel,
    @Inject(ROTATION_CONFIG_SETTINGS) private readonly settings: RotationConfigSettings,
  ) {}

  /**
   * The rows as they stand once every job the secret store has already stored is recorded
   * (or the wait ran out). A row whose rotation was deleted meanwhile is left out.
   */
  async settle(rows: RotationRow[]): Promise<RotationRow[]> {
    const inFlight = rows.filter((r) => r.in_flight_job_id !== null);
    if (inFlight.length === 0) return rows;
    const stored = await this.storedAmong(inFlight);
    if (stored.size === 0) return rows;
    const settled = await Promise.all(rows.map(async (row) => {
      if (row.in_flight_job_id === null || !stored.has(row.in_flight_job_id)) return row;
      const wait = await this.outcomes.waitFor(row.id, row.in_flight_job_id, this.settings.settleWaitMs);
      return wait.state === 'gone' ? null : wait.row;
    }));
    return settled.filter((r): r is RotationRow => r !== null);
  }

  /**
   * After a rotate request was refused as in flight: true when that job was already stored and
   * is now recorded, so the request may be made again; false when it is really in flight.
   */
  async settledStoredJob(rotationId: string, projectId?: string): Promise<boolean> {
    const row = await this.readModel.findRow(rotationId, projectId);
    if (!row) return false;
    if (row.in_flight_job_id === null) return true; // it finished between the refusal and this read
    const jobId = row.in_flight_job_id;
    if (!(await this.storedAmong([row])).has(jobId)) return false;
    return (await this.outcomes.waitFor(rotationId, jobId, this.settings.settleWaitMs)).state === 'settled';
  }

  /** Jobs of these rows the secret store has stored; none when it cannot be asked (a read must not fail for that). */
  private async storedAmong(rows: RotationRow[]): Promise<Set<string>> {
    const byProject = new Map<string, string[]>();
    for (const r of rows) if (r.in_flight_job_id) byProject.set(r.project_id, [...(byProject.get(r.project_id) ?? []), r.in_flight_job_id]);
    const stored = new Set<string>();
    try {
      for (const [projectId, jobIds] of byProject) for (const id of await this.secretStore.storedJobs(projectId, jobIds)) stored.add(id);
    } catch (e) {
      this.logger.warn(`could not ask the secret store which jobs it stored (${(e as Error).message}); answering from the read model`);
    }
    return stored;
  }
}
