import { createEnvelope } from '@rotor/contracts';
import { alertFor, testAlert } from './webhook-alert';

const known = { projectId: 'project-1', name: 'orders-redis' };
const T = '2026-03-01T10:00:00.000Z';

describe('alerts raised by Rotor events', () => {
  it('turns RotationGaveUp into rotation.failed, with the project it carries', () => {
    const e = createEnvelope('RotationGaveUp', 'rot-1', {
      rotationId: 'rot-1', projectId: 'project-1', jobId: 'job-1', generation: 3, attempt: 6, dueAt: T,
      message: 'node 127.0.0.1:6379 unreachable', retryable: true, nextRotationAt: '2026-03-02T10:00:00.000Z', gaveUpAt: T,
    });
    expect(alertFor(e, null)).toEqual({
      event: 'rotation.failed',
      occurredAt: T,
      projectId: 'project-1',
      rotation: { id: 'rot-1', name: null },
      message: 'Rotation rot-1 failed and will not be retried (attempt 6; next regular rotation at 2026-03-02T10:00:00.000Z): node 127.0.0.1:6379 unreachable',
      data: { jobId: 'job-1', generation: 3, attempt: 6, dueAt: T, retryable: true, nextRotationAt: '2026-03-02T10:00:00.000Z', error: 'node 127.0.0.1:6379 unreachable' },
    });
  });

  it('names the rotation and its project for RotationCompleted and RotationAttemptFailed, and raises nothing for an unknown rotation', () => {
    const done = createEnvelope('RotationCompleted', 'rot-1', {
      rotationId: 'rot-1', jobId: 'job-2', generation: 4, activeIndex: 1, reason: 'manual', dueAt: null, rotatedAt: T, nextRotationAt: null,
    });
    expect(alertFor(done, known)).toMatchObject({
      event: 'rotation.succeeded', projectId: 'project-1', rotation: { id: 'rot-1', name: 'orders-redis' },
      message: 'Rotation orders-redis succeeded (manual): credential set 1 is active',
    });
    expect(alertFor(done, null)).toBeNull();

    const failed = createEnvelope('RotationAttemptFailed', 'rot-1', {
      rotationId: 'rot-1', jobId: 'job-3', generation: 5, reason: 'retry', attempt: 2, dueAt: T, message: 'WRONGPASS', retryable: true, failedAt: T,
    });
    expect(alertFor(failed, known)).toMatchObject({ event: 'rotation.attempt_failed', data: { attempt: 2, retryable: true, error: 'WRONGPASS' } });
    expect(alertFor(failed, null)).toBeNull();
  });

  it('lists keys and versions of updated secrets, never a value', () => {
    const e = createEnvelope('SecretsUpdated', 'rot-1', {
      projectId: 'project-1', environment: 'prod', secretPath: '/app', rotationId: 'rot-1',
      secrets: [{ key: 'REDIS_USERNAME', version: 2 }, { key: 'REDIS_PASSWORD', version: 2 }], updatedAt: T,
    });
    expect(alertFor(e, known)).toMatchObject({
      event: 'secrets.updated',
      message: 'Secrets updated in prod /app: REDIS_USERNAME v2, REDIS_PASSWORD v2',
      data: { environment: 'prod', secretPath: '/app', secrets: [{ key: 'REDIS_USERNAME', version: 2 }, { key: 'REDIS_PASSWORD', version: 2 }] },
    });
  });

  it('says what a test delivery is', () => {
    expect(testAlert('wh-1', 'project-1', new Date(T))).toMatchObject({ event: 'webhook.test', projectId: 'project-1', rotation: null, data: { webhookId: 'wh-1' } });
  });
});
