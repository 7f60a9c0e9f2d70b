import { createRotorClient, ok, RotorApiError, type RotorClient, type RotorClientOptions, type ResponseBody, type SecretRotation } from '@rotor/api-client';
import { pollUntil, type WaitOptions } from './wait';

const ROTATION = '/api/v2/secret-rotations/redis-credentials/{rotationId}' as const;

export type HistoryEntry = ResponseBody<'/api/v2/secret-rotations/redis-credentials/{rotationId}/history', 'get'>['history'][number];
export type RedisConnectionSummary = ResponseBody<'/api/v1/app-connections/redis', 'get'>['appConnections'][number];
export type SecretValue = ResponseBody<'/api/v3/secrets/raw', 'get'>['secrets'][number];

/** How one rotation job ended. */
export interface RotationOutcome {
  jobId: string;
  status: 'completed' | 'failed';
  /** The rotation as it stands after the outcome. */
  rotation: SecretRotation;
  /** The redacted reason, when it failed. */
  message: string | null;
}

/** A rotation's username and password, read together. */
export interface RotationSecrets {
  username: string;
  password: string;
  usernameVersion: number;
  passwordVersion: number;
}

const OUTCOMES: Record<string, RotationOutcome['status']> = { RotationCompleted: 'completed', RotationAttemptFailed: 'failed' };

/**
 * Rotor's public API for platform services: `api` is the typed client of every route
 * (errors thrown as RotorApiError through `ok`), and the helpers below are what callers
 * would otherwise write themselves.
 */
export class Rotor {
  readonly api: RotorClient;

  constructor(options: RotorClientOptions) {
    this.api = createRotorClient({ ...options, headers: { 'user-agent': 'rotor-sdk', ...options.headers } });
  }

  getRotation(rotationId: string): Promise<SecretRotation> {
    return ok(this.api.GET(ROTATION, { params: { path: { rotationId } } })).then((b) => b.secretRotation);
  }

  async history(rotationId: string): Promise<HistoryEntry[]> {
    return (await ok(this.api.GET(`${ROTATION}/history`, { params: { path: { rotationId } } }))).history;
  }

  /**
   * Asks for a rotation now and waits for its job's outcome (bounded, cancellable). Works whether
   * the API answers at once or only once the job settled: it follows the job in the rotation's
   * audit trail. A refused request (409: one already in flight) throws its RotorApiError.
   */
  async rotateAndWait(rotationId: string, options: WaitOptions = {}): Promise<RotationOutcome> {
    const res = await this.api.POST(`${ROTATION}/rotate-secrets`, { params: { path: { rotationId } }, signal: options.signal });
    if (!res.response.ok) await ok(Promise.resolve(res));
    const body = (res.data ?? {}) as { secretRotation?: { lastRotationJobId?: string | null }; jobId?: string };
    const jobId = body.jobId ?? body.secretRotation?.lastRotationJobId ?? (await this.getRotation(rotationId)).lastRotationJobId;
    if (!jobId) throw new RotorApiError(res.response.status, 'SECRET_ROTATION.NO_JOB', 'the rotation was requested but the API named no job to follow');
    return this.waitForJob(rotationId, jobId, options);
  }

  /** Waits for the outcome of one job of a rotation. */
  async waitForJob(rotationId: string, jobId: string, options: WaitOptions = {}): Promise<RotationOutcome> {
    const entry = await pollUntil(`the outcome of job ${jobId}`, async () => {
      return (await this.history(rotationId)).find((h) => h.jobId === jobId && h.type in OUTCOMES);
    }, options);
    const details = (entry as { details?: { message?: unknown } }).details;
    return {
      jobId,
      status: OUTCOMES[entry.type],
      rotation: await this.getRotation(rotationId),
      message: typeof details?.message === 'string' ? details.message : null,
    };
  }

  /** Waits until the rotation's last job succeeded and none is in flight; answers the rotation. */
  waitUntilHealthy(rotationId: string, options: WaitOptions = {}): Promise<SecretRotation> {
    return pollUntil(`rotation ${rotationId} to be healthy`, async () => {
      const rotation = await this.getRotation(rotationId);
      const inFlight = (rotation as { isRotationInFlight?: boolean; rotationInFlight?: boolean }).isRotationInFlight ?? (rotation as { rotationInFlight?: boolean }).rotationInFlight;
      return rotation.rotationStatus === 'success' && !inFlight ? rotation : undefined;
    }, options);
  }

  /**
   * The rotation's mapped username and password as one pair: one read of its folder, which
   * the secret store answers from one snapshot (a rotation writes both in one transaction).
   */
  async readRotationSecrets(rotationId: string): Promise<RotationSecrets> {
    const rotation = await this.getRotation(rotationId);
    const secrets = await this.listSecrets(rotation.projectId, rotation.environment.slug, rotation.folder.path);
    const find = (key: string) => {
      const s = secrets.find((x) => x.secretKey === key);
      if (!s) throw new RotorApiError(404, 'SECRET.NOT_FOUND', `secret ${key} of rotation ${rotationId} not found`);
      return s;
    };
    const username = find(rotation.secretsMapping.username);
    const password = find(rotation.secretsMapping.password);
    return { username: username.secretValue, password: password.secretValue, usernameVersion: username.version, passwordVersion: password.version };
  }

  async listSecrets(projectId: string, environment: string, secretPath = '/'): Promise<SecretValue[]> {
    return (await ok(this.api.GET('/api/v3/secrets/raw', { params: { query: { projectId, environment, secretPath } } }))).secrets;
  }

  /** Every rotation of a project, one at a time. */
  async *rotations(projectId: string): AsyncIterable<SecretRotation> {
    yield* (await ok(this.api.GET('/api/v2/secret-rotations/redis-credentials', { params: { query: { projectId } } }))).secretRotations;
  }

  /** Every Redis connection of a project, one at a time. */
  async *connections(projectId: string): AsyncIterable<RedisConnectionSummary> {
    yield* (await ok(this.api.GET('/api/v1/app-connections/redis', { params: { query: { projectId } } }))).appConnections;
  }

  /** Every project the token may see. */
  async *projects() {
    yield* (await ok(this.api.GET('/api/v1/projects'))).projects;
  }

  /** Every secret of a folder. */
  async *secrets(projectId: string, environment: string, secretPath = '/'): AsyncIterable<SecretValue> {
    yield* await this.listSecrets(projectId, environment, secretPath);
  }
}

/** Collects an async iterable into an array. */
export async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
