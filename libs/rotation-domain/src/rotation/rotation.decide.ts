import { RotorError } from '@rotor/util';
import { parsePermissionScope } from '../scope';
import { rotorUsername, rotorUsernames } from '../naming';
import { ScheduleUnit, firstDueAfter, nextAfterRotation, nextAfterScheduled } from '../schedule';
import { ROTATION_ERRORS, rotationInFlight, rotationNotFound } from './rotation.errors';
import type {
  CreateRotation, DeleteRotation, RecordRotationFailure, RecordRotationSuccess, RequestRotation, RotationCommand,
  RotationEvent, RotationSettings, RotationState, SlotIndex, UpdateRotation,
} from './rotation.types';
import { secretPathIssue, settingsIssues } from './rotation.validation';

type Decision = RotationEvent[] | RotorError;

/**
 * The Rotation aggregate's rules. Pure: everything it needs (ids, time) comes in on the
 * command. An empty list means "nothing to do" (a duplicate or stale request or result).
 */
export function decide(command: RotationCommand, state: RotationState): Decision {
  // A deleted rotation is gone for every command, its id included.
  if (state.status === 'deleted') return rotationNotFound();
  if (command.type === 'CreateRotation') return create(command, state);
  if (state.status !== 'active' || !state.settings || !state.location || !state.rotationId) return rotationNotFound();
  const active = state as ActiveState;
  switch (command.type) {
    case 'UpdateRotation':
      return update(command, active);
    case 'DeleteRotation':
      return remove(command, active);
    case 'RequestRotation':
      return request(command, active);
    case 'RecordRotationSuccess':
      return recordSuccess(command, active);
    case 'RecordRotationFailure':
      return recordFailure(command, active);
  }
}

type ActiveState = RotationState & {
  rotationId: string;
  settings: RotationSettings;
  location: NonNullable<RotationState['location']>;
  connectionId: string;
};

const SETTING_KEYS: (keyof RotationSettings)[] = [
  'name', 'description', 'isAutoRotationEnabled', 'rotationInterval', 'rotateAtUtc', 'parameters', 'secretsMapping',
];
const SCHEDULE_KEYS: (keyof RotationSettings)[] = ['isAutoRotationEnabled', 'rotationInterval', 'rotateAtUtc'];

function create(c: CreateRotation, state: RotationState): Decision {
  if (state.status !== 'absent') {
    return RotorError.conflict(ROTATION_ERRORS.alreadyExists, `a secret rotation with id ${c.rotationId} already exists`);
  }
  const path = secretPathIssue(c.secretPath);
  const issues = [...('field' in path ? [path] : []), ...settingsIssues(c)];
  if (issues.length > 0) return RotorError.validation(ROTATION_ERRORS.invalid, issues);
  return [{
    type: 'RotationCreated',
    data: {
      rotationId: c.rotationId,
      projectId: c.projectId,
      environment: c.environment,
      secretPath: 'path' in path ? path.path : c.secretPath,
      connectionId: c.connectionId,
      name: c.name,
      description: c.description,
      isAutoRotationEnabled: c.isAutoRotationEnabled,
      rotationInterval: c.rotationInterval,
      rotateAtUtc: c.rotateAtUtc,
      parameters: c.parameters,
      secretsMapping: c.secretsMapping,
      createdAt: c.now.toISOString(),
      requestedBy: c.requestedBy,
    },
  }];
}

function update(c: UpdateRotation, state: ActiveState): Decision {
  const issues = settingsIssues(c.changes);
  if (issues.length > 0) return RotorError.validation(ROTATION_ERRORS.invalid, issues);
  const next: RotationSettings = { ...state.settings, ...definedOnly(c.changes) };
  const changedFields = SETTING_KEYS.filter((k) => !sameValue(state.settings[k], next[k]));
  if (changedFields.length === 0) return [];
  const scheduleChanged = changedFields.some((k) => SCHEDULE_KEYS.includes(k));
  return [{
    type: 'RotationUpdated',
    data: {
      rotationId: state.rotationId,
      ...next,
      changedFields,
      nextRotationAt: scheduleChanged ? replannedDue(state, next, c.unit ?? 'days') : state.nextRotationAt,
      updatedAt: c.now.toISOString(),
      requestedBy: c.requestedBy,
    },
  }];
}

/**
 * New schedule settings apply from the last rotation: the first rotate-at instant at least
 * `interval` days after it (docs/architecture.md, schedule rule), or after create when nothing was issued yet. That
 * instant may already be past (a shorter interval, or auto-rotation turned back on): then the
 * rotation is simply due now.
 */
function replannedDue(state: ActiveState, next: RotationSettings, unit: ScheduleUnit): string | null {
  if (!next.isAutoRotationEnabled) return null;
  const anchor = state.lastRotatedAt ?? state.createdAt;
  if (!anchor) return null;
  return nextAfterRotation(new Date(anchor), next.rotationInterval, next.rotateAtUtc, unit).toISOString();
}

function remove(c: DeleteRotation, state: ActiveState): Decision {
  const { projectId, environment, secretPath } = state.location;
  const deletedAt = c.now.toISOString();
  const events: RotationEvent[] = [{
    type: 'RotationDeleted',
    data: {
      rotationId: state.rotationId,
      projectId,
      environment,
      secretPath,
      secretsMapping: state.settings.secretsMapping,
      deleteSecrets: c.deleteSecrets,
      revokeGeneratedCredentials: c.revokeGeneratedCredentials,
      deletedAt,
      requestedBy: c.requestedBy,
    },
  }];
  if (c.revokeGeneratedCredentials) {
    events.push({
      type: 'RevocationRequested',
      data: {
        rotationId: state.rotationId,
        projectId,
        jobId: c.revocationJobId,
        connectionId: state.connectionId,
        usernames: rotorUsernames(state.rotationId),
        requestedAt: deletedAt,
      },
    });
  }
  return events;
}

function request(c: RequestRotation, state: ActiveState): Decision {
  let attempt = 1;
  let dueAt: string | null = null;
  switch (c.reason) {
    case 'initial':
      if (state.generation > 0) {
        return RotorError.conflict(ROTATION_ERRORS.alreadyIssued, 'the first credential set was already requested');
      }
      break;
    case 'manual':
      if (state.inFlight) return rotationInFlight(state.inFlight.jobId);
      break;
    case 'heal':
      // Verification found the served credential broken. A rotation in flight heals it too
      // (its credential is verified on every node before it is served), so nothing to add.
      if (state.inFlight || state.activeIndex === null) return [];
      break;
    case 'scheduled':
      if (!c.dueAt) return RotorError.validation(ROTATION_ERRORS.invalid, [{ field: 'dueAt', message: 'is required for a scheduled rotation' }]);
      // One rotation at a time; a due time the chain has moved past (or none) is stale.
      if (state.inFlight || !state.settings.isAutoRotationEnabled || !state.nextRotationAt) return [];
      if (c.dueAt.getTime() < Date.parse(state.nextRotationAt)) return [];
      dueAt = c.dueAt.toISOString();
      break;
    case 'retry': {
      const last = state.lastAttempt;
      if (state.inFlight || !last || last.outcome !== 'failed') return [];
      if (last.dueAt !== null && !state.settings.isAutoRotationEnabled) return [];
      // A retry serves what the failed attempt served, so it does not move the chain.
      attempt = last.attempt + 1;
      dueAt = last.dueAt;
      break;
    }
  }
  const scope = parsePermissionScope(state.settings.parameters.permissionScope);
  if (!scope.ok) return RotorError.validation(ROTATION_ERRORS.invalid, scope.issues);
  const targetIndex: SlotIndex = state.activeIndex === null ? 0 : state.activeIndex === 0 ? 1 : 0;
  return [{
    type: 'RotationRequested',
    data: {
      rotationId: state.rotationId,
      ...state.location,
      jobId: c.jobId,
      generation: state.generation + 1,
      targetIndex,
      username: rotorUsername(state.rotationId, targetIndex),
      reason: c.reason,
      attempt,
      dueAt,
      requestedAt: c.now.toISOString(),
      connectionId: state.connectionId,
      permissionScope: scope.rules,
      passwordRequirements: state.settings.parameters.passwordRequirements,
      secretsMapping: state.settings.secretsMapping,
      requestedBy: c.requestedBy,
    },
  }];
}

function recordSuccess(c: RecordRotationSuccess, state: ActiveState): Decision {
  const job = state.inFlight;
  if (!job || job.jobId !== c.jobId || job.generation !== c.generation || job.targetIndex !== c.activeIndex) return [];
  return [{
    type: 'RotationCompleted',
    data: {
      rotationId: state.rotationId,
      jobId: job.jobId,
      generation: job.generation,
      activeIndex: job.targetIndex,
      reason: job.reason,
      dueAt: job.dueAt,
      rotatedAt: c.now.toISOString(),
      // A heal repairs the served credential; it does not move the regular chain.
      nextRotationAt: job.reason === 'heal' ? state.nextRotationAt : nextDueAfterSuccess(state.settings, job.dueAt, c.now, c.unit ?? 'days'),
    },
  }];
}

/**
 * docs/architecture.md, schedule rule: after a scheduled rotation (or a retry of one) the chain continues from the
 * due time, not from when the work finished; after create or manual, from the rotation.
 * A chain that fell behind (Rotor was down) skips the slots already past instead of
 * rotating several times in a row, which would invalidate the overlapping credential.
 */
function nextDueAfterSuccess(settings: RotationSettings, dueAt: string | null, now: Date, unit: ScheduleUnit): string | null {
  if (!settings.isAutoRotationEnabled) return null;
  const { rotationInterval: interval, rotateAtUtc } = settings;
  if (dueAt === null) return nextAfterRotation(now, interval, rotateAtUtc, unit).toISOString();
  const next = nextAfterScheduled(new Date(dueAt), interval, unit);
  return (next > now ? next : firstDueAfter(now, new Date(dueAt), interval, unit)).toISOString();
}

function recordFailure(c: RecordRotationFailure, state: ActiveState): Decision {
  const job = state.inFlight;
  if (!job || job.jobId !== c.jobId) return [];
  return [{
    type: 'RotationAttemptFailed',
    data: {
      rotationId: state.rotationId,
      jobId: job.jobId,
      generation: job.generation,
      reason: job.reason,
      attempt: job.attempt,
      dueAt: job.dueAt,
      message: c.message,
      retryable: c.retryable,
      failedAt: c.now.toISOString(),
    },
  }];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
