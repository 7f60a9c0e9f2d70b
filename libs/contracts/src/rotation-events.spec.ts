import { createEnvelope, parseEnvelope, serializeEnvelope } from './envelope';
import type { Actor } from './events/common';
import type { RotationCreated, RotationDeleted, RotationRequested, RotationUpdated } from './events/rotation-events';

const IDENTITY: Actor = { type: 'identity', id: 'identity-1', name: 'ci-deployer', tokenId: 'token-1' };
const location = { projectId: 'p1', environment: 'dev', secretPath: '/redis' };
const secretsMapping = { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' };
const passwordRequirements = { length: 48, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 0 }, allowedSymbols: '-_.' };
const parameters = { passwordRequirements, permissionScope: '~* +@all' };
const schedule = { isAutoRotationEnabled: true, rotationInterval: 30, rotateAtUtc: { hours: 11, minutes: 29 } };

const created: RotationCreated = {
  rotationId: 'rot-1', ...location, name: 'orders-cache', connectionId: 'conn-1', ...schedule, secretsMapping,
  createdAt: '2026-03-01T10:00:00.000Z', description: null, parameters, requestedBy: IDENTITY,
};
const updated: RotationUpdated = {
  rotationId: 'rot-1', ...schedule, changedFields: ['name'], nextRotationAt: '2026-03-31T11:29:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z',
  name: 'orders-cache-2', description: 'the orders service', parameters, secretsMapping, requestedBy: IDENTITY,
};
const deleted: RotationDeleted = {
  rotationId: 'rot-1', ...location, secretsMapping, deleteSecrets: false, revokeGeneratedCredentials: true,
  deletedAt: '2026-03-03T10:00:00.000Z', requestedBy: IDENTITY,
};
const requested: RotationRequested = {
  rotationId: 'rot-1', ...location, jobId: 'job-2', generation: 2, targetIndex: 1, username: 'rotor_x_1', reason: 'scheduled', attempt: 1,
  dueAt: '2026-03-31T11:29:00.000Z', requestedAt: '2026-03-31T11:29:00.010Z',
  connection: {
    connectionId: 'conn-1', host: '127.0.0.1', port: 6379, username: 'admin', password: 'enc:v1:abc',
    tls: { enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null }, topology: { type: 'single' },
  },
  permissionScope: ['~*', '+@all'], passwordRequirements, secretsMapping, requestedBy: { type: 'rotor' },
};

type RotationEventType = 'RotationCreated' | 'RotationUpdated' | 'RotationDeleted' | 'RotationRequested';
const valid: Record<RotationEventType, object> = {
  RotationCreated: created, RotationUpdated: updated, RotationDeleted: deleted, RotationRequested: requested,
};

/** The wire form of `type` with `payload`, built past createEnvelope's own check. */
function wire(type: RotationEventType, payload: object): string {
  const sent = createEnvelope(type, 'rot-1', valid[type] as never);
  return serializeEnvelope({ ...sent, payload } as never);
}

function without(payload: object, field: string): object {
  const copy: Record<string, unknown> = { ...payload };
  delete copy[field];
  return copy;
}

describe('rotation events name who asked', () => {
  it.each(Object.keys(valid) as RotationEventType[])('accepts a %s that names its requester', (type) => {
    const parsed = parseEnvelope(wire(type, valid[type]));
    expect(parsed.ok && parsed.event.payload).toEqual(valid[type]);
  });

  it('accepts Rotor itself as the requester', () => {
    const parsed = parseEnvelope(wire('RotationRequested', requested));
    expect(parsed.ok && parsed.event.type === 'RotationRequested' && parsed.event.payload.requestedBy).toEqual({ type: 'rotor' });
  });

  it.each(Object.keys(valid) as RotationEventType[])('rejects a %s without requestedBy, naming the field', (type) => {
    const parsed = parseEnvelope(wire(type, without(valid[type], 'requestedBy')));
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`^invalid ${type} payload: requestedBy`)) });
  });

  it('refuses to build a RotationRequested without requestedBy', () => {
    expect(() => createEnvelope('RotationRequested', 'rot-1', without(requested, 'requestedBy') as RotationRequested)).toThrow(
      /invalid RotationRequested payload: requestedBy/,
    );
  });
});

describe('rotation configuration events carry the whole configuration', () => {
  it.each([
    ['RotationCreated', 'description'], ['RotationCreated', 'parameters'],
    ['RotationUpdated', 'name'], ['RotationUpdated', 'description'], ['RotationUpdated', 'parameters'], ['RotationUpdated', 'secretsMapping'],
  ] as const)('rejects a %s without %s', (type, field) => {
    const parsed = parseEnvelope(wire(type, without(valid[type], field)));
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`^invalid ${type} payload: ${field}`)) });
  });

  it('keeps a null description (none was given) apart from a missing one', () => {
    expect(parseEnvelope(wire('RotationUpdated', { ...updated, description: null })).ok).toBe(true);
  });
});
