import { AnyEnvelope, createEnvelope } from './envelope';
import { rotationOf } from './rotation-of';

describe('rotationOf', () => {
  it("names the rotation an event's payload is about, and none for an event about no rotation", () => {
    const at = '2026-03-01T09:00:00.000Z';
    const completed = createEnvelope('RotationCompleted', 'rot-1', {
      rotationId: 'rot-1', jobId: 'job-1', generation: 1, activeIndex: 0, reason: 'manual', dueAt: null, rotatedAt: at, nextRotationAt: null,
    });
    expect(rotationOf(completed)).toBe('rot-1');
    // An audit record is about no rotation (only its payload matters here).
    const audit = { ...completed, type: 'AuditRecorded', payload: { id: 'audit-1', action: 'connection.created' } } as unknown as AnyEnvelope;
    expect(rotationOf(audit)).toBeNull();
  });
});
