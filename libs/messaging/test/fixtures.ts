import { sampleRotationDue } from '@rotor/testing';
import { Envelope, createEnvelope } from '@rotor/contracts';

/** A small valid event; `attempt` carries its order within the stream in these tests. */
export const due = sampleRotationDue;

export const SEALED_PASSWORD = 'enc:v1:c2VhbGVkLXNlY3JldC12YWx1ZQ';

export function rotated(rotationId: string): Envelope<'CredentialsRotated'> {
  return createEnvelope('CredentialsRotated', rotationId, {
    rotationId, projectId: 'p1', environment: 'dev', secretPath: '/',
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    jobId: 'job-1', generation: 1, activeIndex: 0, username: 'rotor_x_0',
    password: SEALED_PASSWORD, nodes: ['127.0.0.1:6379'], rotatedAt: '2026-03-01T11:29:00.000Z',
  });
}
