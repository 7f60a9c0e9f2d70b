import { createEnvelope, parseEnvelope, serializeChecked, serializeEnvelope, causedBy } from './envelope';
import { EVENT_TYPES, eventTypesOn, topicOf } from './registry';
import { TOPICS, dlqTopic } from './topics';

const due = {
  rotationId: 'rot-1',
  dueAt: '2026-03-01T11:29:00.000Z',
  reason: 'scheduled' as const,
  attempt: 1,
  emittedAt: '2026-03-01T11:29:00.010Z',
};

describe('event envelope', () => {
  it('round-trips through the wire format with every envelope field', () => {
    const sent = createEnvelope('RotationDue', 'rot-1', due, { occurredAt: new Date('2026-03-01T11:29:00Z') });
    const parsed = parseEnvelope(Buffer.from(serializeEnvelope(sent)));
    expect(parsed).toEqual({ ok: true, event: sent });
    expect(sent).toMatchObject({ type: 'RotationDue', schemaVersion: 1, aggregateId: 'rot-1', causationId: null });
    expect(sent.correlationId).toBe(sent.eventId);
  });

  it('carries correlation and causation from the event that caused it', () => {
    const cause = createEnvelope('RotationDue', 'rot-1', due);
    const effect = createEnvelope('RotationDue', 'rot-1', due, causedBy(cause));
    expect(effect.correlationId).toBe(cause.correlationId);
    expect(effect.causationId).toBe(cause.eventId);
  });

  it('says an envelope is checked only while it is exactly what createEnvelope built', () => {
    const sent = createEnvelope('RotationDue', 'rot-1', due);
    expect(serializeChecked(sent)).toEqual({ json: serializeEnvelope(sent), checked: true });
    expect(parseEnvelope(serializeChecked(sent).json)).toEqual({ ok: true, event: sent });
    // A copy, or a change made after it was built, is checked again by whoever stores it.
    expect(serializeChecked({ ...sent }).checked).toBe(false);
    (sent.payload as { attempt: number }).attempt = 0;
    expect(serializeChecked(sent)).toEqual({ json: serializeEnvelope(sent), checked: false });
    (sent.payload as { attempt: number }).attempt = 1;
    expect(serializeChecked(sent).checked).toBe(true);
    // Envelope fields the options set are checked at build time too: a bad one is never marked.
    expect(serializeChecked(createEnvelope('RotationDue', 'rot-1', due, { eventId: 'not-a-uuid' })).checked).toBe(false);
    expect(serializeChecked(createEnvelope('RotationDue', '', due)).checked).toBe(false);
  });

  it('refuses to build an event whose payload breaks the contract, naming the field', () => {
    expect(() => createEnvelope('RotationDue', 'rot-1', { ...due, attempt: 0 })).toThrow(/invalid RotationDue payload: attempt/);
  });

  it('checks the payload only of the types the caller reads, and the envelope of every one', () => {
    const broken = JSON.stringify({ ...createEnvelope('RotationDue', 'rot-1', due), payload: { rotationId: 'rot-1' } });
    const readsNone = () => false;
    expect(parseEnvelope(broken, readsNone)).toMatchObject({ ok: true, event: { type: 'RotationDue' } });
    expect(parseEnvelope(broken, (type) => type === 'RotationDue')).toMatchObject({ ok: false, reason: expect.stringContaining('invalid RotationDue payload') });
    expect(parseEnvelope(broken)).toMatchObject({ ok: false });
    expect(parseEnvelope(JSON.stringify({ type: 'RotationDue' }), readsNone)).toMatchObject({ ok: false, reason: expect.stringContaining('malformed envelope') });
  });

  it.each([
    ['not JSON', '{nope', 'message is not valid JSON'],
    ['an empty message', null, 'empty message'],
    ['an envelope without an eventId', JSON.stringify({ type: 'RotationDue' }), 'malformed envelope: eventId'],
  ])('rejects %s with a reason instead of throwing', (_label, raw, reason) => {
    const result = parseEnvelope(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('rejects an unknown event type', () => {
    const wire = { ...createEnvelope('RotationDue', 'rot-1', due), type: 'RotationExploded' };
    expect(parseEnvelope(JSON.stringify(wire))).toEqual({ ok: false, reason: 'unknown event type "RotationExploded"' });
  });

  it('rejects a schema version it does not know', () => {
    const wire = { ...createEnvelope('RotationDue', 'rot-1', due), schemaVersion: 2 };
    const result = parseEnvelope(JSON.stringify(wire));
    expect(!result.ok && result.reason).toContain('unsupported schemaVersion 2');
  });

  it('rejects a payload that does not match its schema, naming the field', () => {
    const wire = createEnvelope('RotationDue', 'rot-1', due) as unknown as { payload: Record<string, unknown> };
    wire.payload['dueAt'] = 'tomorrow';
    const result = parseEnvelope(JSON.stringify(wire));
    expect(!result.ok && result.reason).toMatch(/^invalid RotationDue payload: dueAt/);
  });
});

describe('credentials on the wire', () => {
  const rotated = {
    rotationId: 'rot-1', projectId: 'p1', environment: 'dev', secretPath: '/',
    secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    jobId: 'job-1', generation: 1, activeIndex: 0 as const, username: 'rotor_x_0',
    password: 'enc:v1:abc', nodes: ['127.0.0.1:6379'], rotatedAt: '2026-03-01T11:29:00.000Z',
  };

  it('accepts a sealed password', () => {
    expect(() => createEnvelope('CredentialsRotated', 'rot-1', rotated)).not.toThrow();
  });

  it('refuses a plaintext password', () => {
    expect(() => createEnvelope('CredentialsRotated', 'rot-1', { ...rotated, password: 'hunter2-plaintext' })).toThrow(
      /password: must be a sealed value/,
    );
  });
});

describe('topics', () => {
  it('maps every event type to a versioned rotor topic', () => {
    for (const type of EVENT_TYPES) expect(topicOf(type)).toMatch(/^rotor\.[a-z.-]+\.v\d+$/);
  });

  it('keeps the public topic for public events only', () => {
    expect(eventTypesOn(TOPICS.secretsPublic)).toEqual(['SecretsUpdated']);
  });

  it('names the dead-letter topic after its source', () => {
    expect(dlqTopic(TOPICS.executorEvents)).toBe('rotor.executor.events.v1.dlq');
  });
});
