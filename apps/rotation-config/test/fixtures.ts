import { randomUUID } from 'node:crypto';
import { sampleRotationRequest } from '@rotor/testing';
import type { Harness } from './harness';
import { REDIS } from './harness';

export const CONNECTIONS = '/internal/app-connections/redis';
export const ROTATIONS = '/internal/secret-rotations/redis-credentials';

/** Every field of the documented sample response, in its order, then the ones Rotor adds after them. */
export const SAMPLE_RESPONSE_FIELDS = [
  'id', 'name', 'description', 'isAutoRotationEnabled', 'activeIndex', 'folderId', 'connectionId', 'createdAt', 'updatedAt',
  'rotationInterval', 'rotationStatus', 'lastRotationAttemptedAt', 'lastRotatedAt', 'lastRotationJobId', 'nextRotationAt',
  'connection', 'environment', 'projectId', 'folder', 'rotateAtUtc', 'lastRotationMessage', 'type', 'parameters', 'secretsMapping',
];
/** Fields Rotor adds after the Infisical-compatible ones, in their order: the job in flight, continuous verification. */
export const ROTOR_ADDED_FIELDS = ['isRotationInFlight', 'inFlightJobId', 'verificationStatus', 'lastVerifiedAt', 'lastVerificationMessage'];

export function connectionBody(h: Harness, projectId: string, overrides: Record<string, unknown> = {}) {
  return {
    projectId,
    name: 'my-redis-connection',
    description: 'the demo Redis',
    host: REDIS.host,
    port: REDIS.port,
    username: h.admin.username,
    password: h.admin.password,
    ...overrides,
  };
}

/** The documented sample request as the gateway forwards it: environment and folder resolved. */
export function rotationBody(projectId: string, connectionId: string, overrides: Record<string, unknown> = {}) {
  return {
    ...sampleRotationRequest(projectId, connectionId),
    environment: { id: randomUUID(), slug: 'dev', name: 'Development' },
    folder: { id: randomUUID(), path: '/' },
    ...overrides,
  };
}

export async function createConnection(h: Harness, projectId: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const res = await h.http().post(CONNECTIONS).send(connectionBody(h, projectId, overrides));
  if (res.status !== 200) throw new Error(`connection create answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.appConnection;
}

/**
 * Creates a rotation through the API while playing the secret store: once rotation-config
 * publishes the initial RotationRequested, the test acknowledges it as stored.
 */
export async function createIssuedRotation(h: Harness, projectId: string, connectionId: string, overrides: Record<string, unknown> = {}) {
  const body = rotationBody(projectId, connectionId, overrides);
  const mark = h.mark();
  const answer = h.http().post(ROTATIONS).send(body).then((r) => r);
  const requested = await h.waitForEvent('RotationRequested', (p) => p.projectId === projectId && p.reason === 'initial', mark);
  await h.storeSecretsFor(requested);
  const res = await answer;
  if (res.status !== 200) throw new Error(`rotation create answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { rotation: res.body.secretRotation, requested, body };
}
