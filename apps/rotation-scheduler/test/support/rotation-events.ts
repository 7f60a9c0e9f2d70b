import {
  Actor, RotationAttemptFailed, RotationCompleted, RotationCreated, RotationParameters, RotationRequested, RotationUpdated,
} from '@rotor/contracts';

/** Payloads as rotation-config publishes them, with what a test does not care about filled in. */

const PARAMETERS: RotationParameters = {
  passwordRequirements: { length: 48, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 1 }, allowedSymbols: '-_.~!*' },
  permissionScope: '~* +@all',
};
const IDENTITY: Actor = { type: 'identity', id: 'identity-1', name: 'ci-deployer' };

export function created(rotationId: string, over: Partial<RotationCreated> = {}): RotationCreated {
  return {
    rotationId,
    projectId: 'project-1',
    environment: 'prod',
    secretPath: '/',
    name: `rotation-${rotationId}`.slice(0, 60),
    connectionId: 'connection-1',
    isAutoRotationEnabled: true,
    rotationInterval: 1,
    rotateAtUtc: { hours: 10, minutes: 0 },
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    createdAt: '2026-03-01T09:00:00.000Z',
    description: null,
    parameters: PARAMETERS,
    requestedBy: IDENTITY,
    ...over,
  };
}

export function updated(rotationId: string, nextRotationAt: string | null, over: Partial<RotationUpdated> = {}): RotationUpdated {
  return {
    rotationId,
    isAutoRotationEnabled: nextRotationAt !== null,
    rotationInterval: 1,
    rotateAtUtc: { hours: 10, minutes: 0 },
    changedFields: ['isAutoRotationEnabled'],
    nextRotationAt,
    updatedAt: '2026-03-01T09:30:00.000Z',
    name: `rotation-${rotationId}`.slice(0, 60),
    description: null,
    parameters: PARAMETERS,
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    requestedBy: IDENTITY,
    ...over,
  };
}

export function requested(
  rotationId: string,
  job: { jobId: string; generation: number; reason: RotationRequested['reason']; attempt?: number; dueAt?: string | null },
): RotationRequested {
  return {
    rotationId,
    projectId: 'project-1',
    environment: 'prod',
    secretPath: '/',
    jobId: job.jobId,
    generation: job.generation,
    targetIndex: job.generation % 2 === 1 ? 0 : 1,
    username: 'rotor_0123456789abcdef0123456789abcdef_0',
    reason: job.reason,
    attempt: job.attempt ?? 1,
    dueAt: job.dueAt ?? null,
    requestedAt: '2026-03-01T09:00:00.000Z',
    connection: {
      connectionId: 'connection-1',
      host: '127.0.0.1',
      port: 6379,
      username: 'admin',
      password: 'enc:v1:sealed-admin-password',
      tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null },
      topology: { type: 'single' },
    },
    permissionScope: ['~*', '+@all'],
    passwordRequirements: PARAMETERS.passwordRequirements,
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    requestedBy: job.reason === 'initial' || job.reason === 'manual' ? IDENTITY : { type: 'rotor' },
  };
}

export function completed(
  rotationId: string,
  job: { jobId: string; generation: number; reason: RotationCompleted['reason']; dueAt?: string | null },
  nextRotationAt: string | null,
): RotationCompleted {
  return {
    rotationId,
    jobId: job.jobId,
    generation: job.generation,
    activeIndex: job.generation % 2 === 1 ? 0 : 1,
    reason: job.reason,
    dueAt: job.dueAt ?? null,
    rotatedAt: '2026-03-01T09:00:01.000Z',
    nextRotationAt,
  };
}

export function attemptFailed(
  rotationId: string,
  job: { jobId: string; generation: number; reason: RotationAttemptFailed['reason']; attempt: number; dueAt?: string | null },
  over: Partial<RotationAttemptFailed> = {},
): RotationAttemptFailed {
  return {
    rotationId,
    jobId: job.jobId,
    generation: job.generation,
    reason: job.reason,
    attempt: job.attempt,
    dueAt: job.dueAt ?? null,
    message: 'node 127.0.0.1:6379 unreachable',
    retryable: true,
    failedAt: '2026-03-01T09:00:01.000Z',
    ...over,
  };
}
