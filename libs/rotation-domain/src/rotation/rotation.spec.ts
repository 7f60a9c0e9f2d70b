import { RotorError } from '@rotor/util';
import { decide } from './rotation.decide';
import { rehydrate, evolve } from './rotation.evolve';
import { initialState } from './rotation.state';
import { ROTOR_ITSELF } from './rotation.types';
import type { CreateRotation, RequestedBy, RotationCommand, RotationEvent, RotationState } from './rotation.types';

const ID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const USER_0 = 'rotor_3c90c3cc0d444b5088888dd25736052a_0';
const USER_1 = 'rotor_3c90c3cc0d444b5088888dd25736052a_1';
const CREATED_AT = '2026-03-01T10:00:00.000Z';
/** The identity that asks through the API in these examples. */
const ALICE: RequestedBy = { type: 'identity', id: 'identity-1', name: 'ci-deployer', tokenId: 'token-1' };

const create: CreateRotation = {
  type: 'CreateRotation',
  rotationId: ID,
  projectId: 'proj-1',
  environment: 'dev',
  secretPath: '/app//redis/',
  connectionId: 'conn-1',
  name: 'my-redis-rotation',
  description: 'my database credentials rotation',
  isAutoRotationEnabled: true,
  rotationInterval: 2,
  rotateAtUtc: { hours: 11, minutes: 29 },
  parameters: {
    passwordRequirements: { length: 64, required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 1 }, allowedSymbols: '@!+' },
    permissionScope: '~* +@all',
  },
  secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
  now: new Date(CREATED_AT),
  requestedBy: ALICE,
};

// ------------------------------------------------------------ given / when / then

function given(...events: RotationEvent[]): RotationState {
  return rehydrate(events);
}

function when(state: RotationState, command: RotationCommand): RotationEvent[] | RotorError {
  return decide(command, state);
}

function events(result: RotationEvent[] | RotorError): RotationEvent[] {
  if (result instanceof RotorError) throw new Error(`expected events, got ${result.code}: ${result.message}`);
  return result;
}

function error(result: RotationEvent[] | RotorError): RotorError {
  if (!(result instanceof RotorError)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result;
}

/** Runs commands one after another, each on the state the previous ones left. */
function history(...commands: RotationCommand[]): RotationEvent[] {
  let state = initialState();
  const all: RotationEvent[] = [];
  for (const c of commands) {
    const out = events(decide(c, state));
    out.forEach((e) => (state = evolve(state, e)));
    all.push(...out);
  }
  return all;
}

const at = (iso: string) => new Date(iso);
const requestInitial = (jobId = 'job-1', now = '2026-03-01T10:00:00.100Z'): RotationCommand =>
  ({ type: 'RequestRotation', reason: 'initial', jobId, dueAt: null, now: at(now), requestedBy: ALICE });
const requestManual = (jobId: string, now: string): RotationCommand => ({ type: 'RequestRotation', reason: 'manual', jobId, dueAt: null, now: at(now), requestedBy: ALICE });
const requestScheduled = (jobId: string, dueAt: string, now: string): RotationCommand =>
  ({ type: 'RequestRotation', reason: 'scheduled', jobId, dueAt: at(dueAt), now: at(now), requestedBy: ROTOR_ITSELF });
const requestRetry = (jobId: string, dueAt: string, now: string): RotationCommand =>
  ({ type: 'RequestRotation', reason: 'retry', jobId, dueAt: at(dueAt), now: at(now), requestedBy: ROTOR_ITSELF });
const requestHeal = (jobId: string, now: string): RotationCommand => ({ type: 'RequestRotation', reason: 'heal', jobId, dueAt: null, now: at(now), requestedBy: ROTOR_ITSELF });
const succeed = (jobId: string, generation: number, activeIndex: 0 | 1, now: string): RotationCommand =>
  ({ type: 'RecordRotationSuccess', jobId, generation, activeIndex, now: at(now) });
const fail = (jobId: string, now: string, message = 'NOAUTH on 127.0.0.1:6379'): RotationCommand =>
  ({ type: 'RecordRotationFailure', jobId, message, retryable: true, now: at(now) });

/** Created, first credential set issued at 10:00:01 (slot 0 active, next due 2026-03-03T11:29Z). */
const issued = () => history(create, requestInitial(), succeed('job-1', 1, 0, '2026-03-01T10:00:01.000Z'));

// ------------------------------------------------------------ create

describe('creating a rotation', () => {
  it('records the configuration with a normalized secret path and no due time yet', () => {
    const [created] = events(when(given(), create));
    expect(created).toEqual({
      type: 'RotationCreated',
      data: expect.objectContaining({ rotationId: ID, secretPath: '/app/redis', name: 'my-redis-rotation', createdAt: CREATED_AT, requestedBy: ALICE }),
    });
    expect(rehydrate([created])).toMatchObject({ status: 'active', activeIndex: null, generation: 0, nextRotationAt: null });
  });

  it('refuses invalid settings and names every bad field', () => {
    const bad: CreateRotation = {
      ...create,
      name: 'My Rotation',
      secretPath: 'relative/path',
      rotationInterval: 0,
      rotateAtUtc: { hours: 11.5, minutes: 29.5 },
      parameters: { ...create.parameters, permissionScope: '~* nopass' },
      secretsMapping: { username: 'SAME', password: 'SAME' },
    };
    const e = error(when(given(), bad));
    expect(e).toMatchObject({ code: 'ROTATION.INVALID', kind: 'validation' });
    expect(e.details.map((d) => d.field)).toEqual(
      expect.arrayContaining(['name', 'secretPath', 'rotationInterval', 'rotateAtUtc.hours', 'rotateAtUtc.minutes', 'parameters.permissionScope', 'secretsMapping.password']),
    );
  });

  it('refuses password requirements the generator cannot meet', () => {
    const bad = { ...create, parameters: { ...create.parameters, passwordRequirements: { ...create.parameters.passwordRequirements, length: 8 } } };
    expect(error(when(given(), bad)).details.map((d) => d.field)).toContain('parameters.passwordRequirements.length');
  });

  it('refuses to create the same rotation twice', () => {
    expect(error(when(given(...history(create)), create)).code).toBe('ROTATION.ALREADY_EXISTS');
  });
});

// ------------------------------------------------------------ requesting

describe('requesting a rotation', () => {
  it('issues the first credential set into slot 0 with generation 1', () => {
    const [requested] = events(when(given(...history(create)), requestInitial()));
    expect(requested).toEqual({
      type: 'RotationRequested',
      data: expect.objectContaining({
        jobId: 'job-1', generation: 1, targetIndex: 0, username: USER_0, reason: 'initial', attempt: 1, dueAt: null,
        permissionScope: ['~*', '+@all'], secretsMapping: create.secretsMapping, projectId: 'proj-1', environment: 'dev', secretPath: '/app/redis',
        connectionId: 'conn-1', passwordRequirements: create.parameters.passwordRequirements,
      }),
    });
  });

  it('issues the first credential set only once', () => {
    expect(error(when(given(...issued()), requestInitial('job-2'))).code).toBe('ROTATION.ALREADY_ISSUED');
  });

  it('targets the slot that is not active, so the active credential keeps working', () => {
    const [requested] = events(when(given(...issued()), requestManual('job-2', '2026-03-01T12:00:00Z')));
    expect(requested.data).toMatchObject({ targetIndex: 1, username: USER_1, generation: 2, reason: 'manual' });
  });

  it('alternates back to slot 0 after slot 1 became active', () => {
    const requested = events(when(given(...issued()), requestManual('job-2', '2026-03-01T12:00:00Z')));
    const completed = events(when(given(...issued(), ...requested), succeed('job-2', 2, 1, '2026-03-01T12:00:01Z')));
    const [next] = events(when(given(...issued(), ...requested, ...completed), requestManual('job-3', '2026-03-01T13:00:00Z')));
    expect(next.data).toMatchObject({ targetIndex: 0, username: USER_0, generation: 3 });
  });

  it('answers a manual request while a rotation is in flight with ROTATION.IN_FLIGHT', () => {
    const inFlight = [...issued(), ...events(when(given(...issued()), requestManual('job-2', '2026-03-01T12:00:00Z')))];
    expect(error(when(given(...inFlight), requestManual('job-3', '2026-03-01T12:00:01Z')))).toMatchObject({
      code: 'ROTATION.IN_FLIGHT', kind: 'conflict',
    });
  });

  it('ignores a scheduled request while a rotation is in flight (one rotation at a time)', () => {
    const inFlight = [...issued(), ...events(when(given(...issued()), requestManual('job-2', '2026-03-03T11:28:00Z')))];
    expect(when(given(...inFlight), requestScheduled('job-3', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z'))).toEqual([]);
  });

  it('ignores a retry while a rotation is in flight', () => {
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const failed = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-03T11:29:02Z')));
    const retry = events(when(given(...issued(), ...requested, ...failed), requestRetry('job-3', '2026-03-03T11:29:00Z', '2026-03-03T11:30:00Z')));
    expect(retry).toHaveLength(1);
    const again = when(given(...issued(), ...requested, ...failed, ...retry), requestRetry('job-4', '2026-03-03T11:29:00Z', '2026-03-03T11:30:01Z'));
    expect(again).toEqual([]);
  });

  it('serves a scheduled request at its due time and carries the due time', () => {
    const [requested] = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00.050Z')));
    expect(requested.data).toMatchObject({ reason: 'scheduled', dueAt: '2026-03-03T11:29:00.000Z', targetIndex: 1, attempt: 1 });
  });

  it('ignores a scheduled request for a due time the schedule has moved past', () => {
    expect(when(given(...issued()), requestScheduled('job-2', '2026-03-02T11:29:00Z', '2026-03-02T11:29:00Z'))).toEqual([]);
  });

  it('ignores a scheduled request when auto-rotation is off', () => {
    const off = events(when(given(...issued()), { type: 'UpdateRotation', changes: { isAutoRotationEnabled: false }, now: at('2026-03-02T00:00:00Z'), requestedBy: ALICE }));
    expect(when(given(...issued(), ...off), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z'))).toEqual([]);
  });

  it('still accepts a manual request when auto-rotation is off', () => {
    const off = events(when(given(...issued()), { type: 'UpdateRotation', changes: { isAutoRotationEnabled: false }, now: at('2026-03-02T00:00:00Z'), requestedBy: ALICE }));
    expect(events(when(given(...issued(), ...off), requestManual('job-2', '2026-03-02T01:00:00Z')))).toHaveLength(1);
  });

  it('retries a failed scheduled attempt with the next attempt number and the original due time', () => {
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const failed = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-03T11:29:02Z')));
    const [retry] = events(when(given(...issued(), ...requested, ...failed), requestRetry('job-3', '2026-03-03T11:29:00Z', '2026-03-03T11:30:00Z')));
    expect(retry.data).toMatchObject({ reason: 'retry', attempt: 2, dueAt: '2026-03-03T11:29:00.000Z', generation: 3, targetIndex: 1 });
  });

  it('names who asked on the event: the identity for a manual rotation, Rotor itself for scheduled, retry and heal', () => {
    const [manual] = events(when(given(...issued()), requestManual('job-2', '2026-03-01T12:00:00Z')));
    expect(manual.data).toMatchObject({ reason: 'manual', requestedBy: ALICE });
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    expect(requested[0].data).toMatchObject({ reason: 'scheduled', requestedBy: { type: 'rotor' } });
    const failed = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-03T11:29:02Z')));
    const [retry] = events(when(given(...issued(), ...requested, ...failed), requestRetry('job-3', '2026-03-03T11:29:00Z', '2026-03-03T11:30:00Z')));
    expect(retry.data).toMatchObject({ reason: 'retry', requestedBy: { type: 'rotor' } });
    const [heal] = events(when(given(...issued()), requestHeal('job-2', '2026-03-02T15:00:00Z')));
    expect(heal.data).toMatchObject({ reason: 'heal', requestedBy: { type: 'rotor' } });
  });

  it('ignores a retry when the last attempt succeeded', () => {
    expect(when(given(...issued()), requestRetry('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:30:00Z'))).toEqual([]);
  });
});

// ------------------------------------------------------------ results

describe('recording results', () => {
  it('completes the rotation: the target slot becomes active and the next due time is planned', () => {
    const [, , completed] = issued();
    expect(completed).toEqual({
      type: 'RotationCompleted',
      data: {
        rotationId: ID, jobId: 'job-1', generation: 1, activeIndex: 0, reason: 'initial', dueAt: null,
        rotatedAt: '2026-03-01T10:00:01.000Z',
        // first 11:29 UTC at least 2 days after the rotation
        nextRotationAt: '2026-03-03T11:29:00.000Z',
      },
    });
    expect(given(...issued())).toMatchObject({ activeIndex: 0, inFlight: null, lastRotatedAt: '2026-03-01T10:00:01.000Z' });
  });

  it('plans from the due time after a scheduled rotation, so late work does not drift the schedule', () => {
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const [completed] = events(when(given(...issued(), ...requested), succeed('job-2', 2, 1, '2026-03-03T11:47:13Z')));
    expect(completed.data).toMatchObject({ activeIndex: 1, reason: 'scheduled', nextRotationAt: '2026-03-05T11:29:00.000Z' });
  });

  it('skips due times already past when a scheduled rotation completes far behind its schedule', () => {
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const [completed] = events(when(given(...issued(), ...requested), succeed('job-2', 2, 1, '2026-03-06T00:00:00Z')));
    expect(completed.data).toMatchObject({ nextRotationAt: '2026-03-07T11:29:00.000Z' });
  });

  it('keeps the regular chain when a retry succeeds', () => {
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const failed = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-03T11:29:02Z')));
    const retry = events(when(given(...issued(), ...requested, ...failed), requestRetry('job-3', '2026-03-03T11:29:00Z', '2026-03-03T12:00:00Z')));
    const [completed] = events(when(given(...issued(), ...requested, ...failed, ...retry), succeed('job-3', 3, 1, '2026-03-03T12:00:02Z')));
    expect(completed.data).toMatchObject({ reason: 'retry', nextRotationAt: '2026-03-05T11:29:00.000Z' });
  });

  it('heals a drifted credential by rotating the other slot, without moving the regular chain', () => {
    const [requested] = events(when(given(...issued()), requestHeal('job-2', '2026-03-02T15:00:00Z')));
    expect(requested.data).toMatchObject({ reason: 'heal', targetIndex: 1, generation: 2, dueAt: null });
    const [completed] = events(when(given(...issued(), requested), succeed('job-2', 2, 1, '2026-03-02T15:00:01Z')));
    expect(completed.data).toMatchObject({ reason: 'heal', activeIndex: 1, nextRotationAt: '2026-03-03T11:29:00.000Z' });
  });

  it('ignores a heal request while a rotation is in flight or before anything was issued', () => {
    const inFlight = [...issued(), ...events(when(given(...issued()), requestManual('job-2', '2026-03-02T15:00:00Z')))];
    expect(when(given(...inFlight), requestHeal('job-3', '2026-03-02T15:00:01Z'))).toEqual([]);
    const created = history(create);
    expect(when(given(...created), requestHeal('job-1', '2026-03-01T10:00:00Z'))).toEqual([]);
  });

  it('plans from the rotation time after a manual rotation', () => {
    const requested = events(when(given(...issued()), requestManual('job-2', '2026-03-02T15:00:00Z')));
    const [completed] = events(when(given(...issued(), ...requested), succeed('job-2', 2, 1, '2026-03-02T15:00:01Z')));
    expect(completed.data).toMatchObject({ nextRotationAt: '2026-03-05T11:29:00.000Z' });
  });

  it('counts the interval in minutes in a demo deployment', () => {
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const [completed] = events(when(given(...issued(), ...requested), { ...succeed('job-2', 2, 1, '2026-03-03T11:29:05Z'), unit: 'minutes' } as RotationCommand));
    expect(completed.data).toMatchObject({ nextRotationAt: '2026-03-03T11:31:00.000Z' });
  });

  it('plans nothing when auto-rotation is off', () => {
    const all = history({ ...create, isAutoRotationEnabled: false }, requestInitial(), succeed('job-1', 1, 0, '2026-03-01T10:00:01Z'));
    expect(all[2].data).toMatchObject({ nextRotationAt: null });
  });

  it('ignores a result for a job it does not know', () => {
    const inFlight = history(create, requestInitial());
    expect(when(given(...inFlight), succeed('job-unknown', 1, 0, '2026-03-01T10:00:01Z'))).toEqual([]);
    expect(when(given(...inFlight), fail('job-unknown', '2026-03-01T10:00:01Z'))).toEqual([]);
  });

  it('ignores a result for a stale job once a newer one was requested', () => {
    // job-2 failed, job-3 (retry) is in flight; a late success for job-2 must not complete it
    const requested = events(when(given(...issued()), requestScheduled('job-2', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')));
    const failed = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-03T11:29:02Z')));
    const retry = events(when(given(...issued(), ...requested, ...failed), requestRetry('job-3', '2026-03-03T11:29:00Z', '2026-03-03T12:00:00Z')));
    expect(when(given(...issued(), ...requested, ...failed, ...retry), succeed('job-2', 2, 1, '2026-03-03T12:00:01Z'))).toEqual([]);
  });

  it('ignores a duplicate result for a job that already completed', () => {
    expect(when(given(...issued()), succeed('job-1', 1, 0, '2026-03-01T10:00:05Z'))).toEqual([]);
  });

  it('records a failure with its message and leaves the active credential as it was', () => {
    const requested = events(when(given(...issued()), requestManual('job-2', '2026-03-02T15:00:00Z')));
    const [failed] = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-02T15:00:02Z')));
    expect(failed).toEqual({
      type: 'RotationAttemptFailed',
      data: {
        rotationId: ID, jobId: 'job-2', generation: 2, reason: 'manual', attempt: 1, dueAt: null,
        message: 'NOAUTH on 127.0.0.1:6379', retryable: true, failedAt: '2026-03-02T15:00:02.000Z',
      },
    });
    const state = given(...issued(), ...requested, failed);
    expect(state).toMatchObject({ activeIndex: 0, inFlight: null, nextRotationAt: '2026-03-03T11:29:00.000Z' });
  });

  it('accepts a new manual request once the failed one is over', () => {
    const requested = events(when(given(...issued()), requestManual('job-2', '2026-03-02T15:00:00Z')));
    const failed = events(when(given(...issued(), ...requested), fail('job-2', '2026-03-02T15:00:02Z')));
    const [again] = events(when(given(...issued(), ...requested, ...failed), requestManual('job-3', '2026-03-02T15:01:00Z')));
    expect(again.data).toMatchObject({ targetIndex: 1, generation: 3 });
  });
});

// ------------------------------------------------------------ update

describe('updating a rotation', () => {
  const update = (changes: object, now = '2026-03-02T00:00:00Z'): RotationCommand => ({ type: 'UpdateRotation', changes, now: at(now), requestedBy: ALICE });

  it('lists what changed and replans from the last rotation when the schedule changes', () => {
    const [updated] = events(when(given(...issued()), update({ rotationInterval: 7, rotateAtUtc: { hours: 0, minutes: 0 } })));
    expect(updated.data).toMatchObject({
      changedFields: ['rotationInterval', 'rotateAtUtc'],
      rotationInterval: 7,
      nextRotationAt: '2026-03-09T00:00:00.000Z',
    });
  });

  it('keeps the planned due time when only the name changes', () => {
    const [updated] = events(when(given(...issued()), update({ name: 'renamed' })));
    expect(updated.data).toMatchObject({ changedFields: ['name'], name: 'renamed', nextRotationAt: '2026-03-03T11:29:00.000Z' });
  });

  it('clears the due time when auto-rotation is turned off', () => {
    const [updated] = events(when(given(...issued()), update({ isAutoRotationEnabled: false })));
    expect(updated.data).toMatchObject({ nextRotationAt: null, isAutoRotationEnabled: false });
  });

  it('applies new scope and password requirements from the next rotation on', () => {
    const parameters = { passwordRequirements: { ...create.parameters.passwordRequirements, length: 32 }, permissionScope: '~cache:* +get' };
    const updated = events(when(given(...issued()), update({ parameters })));
    const [requested] = events(when(given(...issued(), ...updated), requestManual('job-2', '2026-03-02T01:00:00Z')));
    expect(requested.data).toMatchObject({ permissionScope: ['~cache:*', '+get'], passwordRequirements: { length: 32 } });
  });

  it('records nothing when nothing changes', () => {
    expect(when(given(...issued()), update({ name: create.name, rotationInterval: 2 }))).toEqual([]);
  });

  it('refuses invalid changes naming the field', () => {
    expect(error(when(given(...issued()), update({ rotationInterval: 366 }))).details).toEqual([
      { field: 'rotationInterval', message: expect.stringContaining('from 1 to 365') },
    ]);
  });
});

// ------------------------------------------------------------ delete

describe('deleting a rotation', () => {
  const remove = (revoke: boolean): RotationCommand => ({
    type: 'DeleteRotation', deleteSecrets: true, revokeGeneratedCredentials: revoke, revocationJobId: 'job-revoke', now: at('2026-03-02T00:00:00Z'), requestedBy: ALICE,
  });

  it('records the deletion with where its secrets are', () => {
    const out = events(when(given(...issued()), remove(false)));
    expect(out).toEqual([{
      type: 'RotationDeleted',
      data: {
        rotationId: ID, projectId: 'proj-1', environment: 'dev', secretPath: '/app/redis', secretsMapping: create.secretsMapping,
        deleteSecrets: true, revokeGeneratedCredentials: false, deletedAt: '2026-03-02T00:00:00.000Z', requestedBy: ALICE,
      },
    }]);
  });

  it('asks to revoke both Rotor users when revokeGeneratedCredentials is set', () => {
    const [, revocation] = events(when(given(...issued()), remove(true)));
    expect(revocation).toEqual({
      type: 'RevocationRequested',
      data: { rotationId: ID, projectId: 'proj-1', jobId: 'job-revoke', connectionId: 'conn-1', usernames: [USER_0, USER_1], requestedAt: '2026-03-02T00:00:00.000Z' },
    });
  });

  it.each<[string, RotationCommand]>([
    ['create', create],
    ['update', { type: 'UpdateRotation', changes: { name: 'x' }, now: at('2026-03-03T00:00:00Z'), requestedBy: ALICE }],
    ['delete', { type: 'DeleteRotation', deleteSecrets: false, revokeGeneratedCredentials: false, revocationJobId: 'j', now: at('2026-03-03T00:00:00Z'), requestedBy: ALICE }],
    ['manual rotation', requestManual('j', '2026-03-03T00:00:00Z')],
    ['scheduled rotation', requestScheduled('j', '2026-03-03T11:29:00Z', '2026-03-03T11:29:00Z')],
    ['success', { type: 'RecordRotationSuccess', jobId: 'job-1', generation: 1, activeIndex: 0, now: at('2026-03-03T00:00:00Z') }],
    ['failure', { type: 'RecordRotationFailure', jobId: 'job-1', message: 'x', retryable: false, now: at('2026-03-03T00:00:00Z') }],
  ])('rejects %s after deletion with ROTATION.NOT_FOUND', (_label, command) => {
    const deleted = [...issued(), ...events(when(given(...issued()), remove(false)))];
    expect(error(when(given(...deleted), command))).toMatchObject({ code: 'ROTATION.NOT_FOUND', kind: 'not-found' });
  });

  it('ignores a result that arrives for a job in flight when the rotation was deleted', () => {
    const inFlight = history(create, requestInitial());
    const deleted = [...inFlight, ...events(when(given(...inFlight), remove(true)))];
    expect(error(when(given(...deleted), succeed('job-1', 1, 0, '2026-03-01T10:00:05Z'))).code).toBe('ROTATION.NOT_FOUND');
  });

  it('rejects every command but create on a rotation that never existed', () => {
    expect(error(when(given(), requestManual('j', '2026-03-01T00:00:00Z'))).code).toBe('ROTATION.NOT_FOUND');
  });
});
