import type { CredentialIndex } from '../naming';
import type { PasswordRequirements } from '../password';
import type { RotateAtUtc, ScheduleUnit } from '../schedule';

/**
 * The Rotation aggregate's own types. They mirror the payloads in @rotor/contracts (which the
 * domain may not import); rotation-config maps between the two.
 */

/** Which of the two credential sets (Redis users) of a rotation. */
export type SlotIndex = CredentialIndex;
export type RotationReason = 'initial' | 'manual' | 'scheduled' | 'retry' | 'heal';

export interface RotationParameters {
  passwordRequirements: PasswordRequirements;
  /** As the user wrote it; parsed into ACL rules when a rotation is requested. */
  permissionScope: string;
}

export interface RotationSecretsMapping {
  username: string;
  password: string;
}

/** Where the mapped secrets live. `environment` is the environment slug. */
export interface RotationLocation {
  projectId: string;
  environment: string;
  secretPath: string;
}

/** The settings a client may change after create (PATCH). */
export interface RotationSettings {
  name: string;
  description: string | null;
  isAutoRotationEnabled: boolean;
  rotationInterval: number;
  rotateAtUtc: RotateAtUtc;
  parameters: RotationParameters;
  secretsMapping: RotationSecretsMapping;
}

/**
 * Who asked for a change: an identity through the API (its token's id, never the token), or
 * Rotor itself (schedules, retries, undoing a create that could not issue).
 */
export type RequestedBy = { type: 'identity'; id: string; name: string; tokenId?: string | null } | { type: 'rotor' };

export const ROTOR_ITSELF: RequestedBy = { type: 'rotor' };

/**
 * Who asked, on a command and on the event it records. Every command names its requester:
 * the app says Rotor itself for its own work and for an API call that named no identity.
 */
interface Requested {
  requestedBy: RequestedBy;
}

// ---------------------------------------------------------------- events

export interface RotationCreated extends RotationLocation, RotationSettings, Requested {
  rotationId: string;
  connectionId: string;
  createdAt: string;
}

export interface RotationUpdated extends RotationSettings, Requested {
  rotationId: string;
  changedFields: (keyof RotationSettings)[];
  /** The next regular due time under the new settings; null when auto-rotation is off. */
  nextRotationAt: string | null;
  updatedAt: string;
}

export interface RotationDeleted extends RotationLocation, Requested {
  rotationId: string;
  secretsMapping: RotationSecretsMapping;
  deleteSecrets: boolean;
  revokeGeneratedCredentials: boolean;
  deletedAt: string;
}

/** The connection (with its sealed admin password) is added by the app, which owns it. */
export interface RotationRequested extends RotationLocation, Requested {
  rotationId: string;
  jobId: string;
  generation: number;
  targetIndex: SlotIndex;
  username: string;
  reason: RotationReason;
  attempt: number;
  dueAt: string | null;
  requestedAt: string;
  connectionId: string;
  permissionScope: string[];
  passwordRequirements: PasswordRequirements;
  secretsMapping: RotationSecretsMapping;
}

export interface RotationCompleted {
  rotationId: string;
  jobId: string;
  generation: number;
  activeIndex: SlotIndex;
  reason: RotationReason;
  dueAt: string | null;
  rotatedAt: string;
  nextRotationAt: string | null;
}

export interface RotationAttemptFailed {
  rotationId: string;
  jobId: string;
  generation: number;
  reason: RotationReason;
  attempt: number;
  dueAt: string | null;
  message: string;
  retryable: boolean;
  failedAt: string;
}

export interface RevocationRequested {
  rotationId: string;
  projectId: string;
  jobId: string;
  connectionId: string;
  usernames: string[];
  requestedAt: string;
}

interface EventOf<T extends string, D> {
  type: T;
  data: D;
}

export type RotationEvent =
  | EventOf<'RotationCreated', RotationCreated>
  | EventOf<'RotationUpdated', RotationUpdated>
  | EventOf<'RotationDeleted', RotationDeleted>
  | EventOf<'RotationRequested', RotationRequested>
  | EventOf<'RotationCompleted', RotationCompleted>
  | EventOf<'RotationAttemptFailed', RotationAttemptFailed>
  | EventOf<'RevocationRequested', RevocationRequested>;

export type RotationEventType = RotationEvent['type'];

// ---------------------------------------------------------------- commands

export interface CreateRotation extends RotationLocation, Requested {
  type: 'CreateRotation';
  rotationId: string;
  connectionId: string;
  name: string;
  description: string | null;
  isAutoRotationEnabled: boolean;
  rotationInterval: number;
  rotateAtUtc: RotateAtUtc;
  parameters: RotationParameters;
  secretsMapping: RotationSecretsMapping;
  now: Date;
}

export interface UpdateRotation extends Requested {
  type: 'UpdateRotation';
  changes: Partial<RotationSettings>;
  now: Date;
  /** What the interval counts; 'minutes' only in demo deployments (default 'days'). */
  unit?: ScheduleUnit;
}

export interface DeleteRotation extends Requested {
  type: 'DeleteRotation';
  deleteSecrets: boolean;
  revokeGeneratedCredentials: boolean;
  /** Used for the RevocationRequested job when credentials are revoked. */
  revocationJobId: string;
  now: Date;
}

export interface RequestRotation extends Requested {
  type: 'RequestRotation';
  reason: RotationReason;
  jobId: string;
  /** The regular due time a scheduled request serves; null for manual and initial. */
  dueAt: Date | null;
  now: Date;
}

/** From the secret store's RotationSecretsStored. */
export interface RecordRotationSuccess {
  type: 'RecordRotationSuccess';
  jobId: string;
  generation: number;
  activeIndex: SlotIndex;
  now: Date;
  /** What the interval counts; 'minutes' only in demo deployments (default 'days'). */
  unit?: ScheduleUnit;
}

/** From the executor's RotationFailed. `message` is already redacted by the executor. */
export interface RecordRotationFailure {
  type: 'RecordRotationFailure';
  jobId: string;
  message: string;
  retryable: boolean;
  now: Date;
}

export type RotationCommand =
  | CreateRotation
  | UpdateRotation
  | DeleteRotation
  | RequestRotation
  | RecordRotationSuccess
  | RecordRotationFailure;

// ---------------------------------------------------------------- state

export interface InFlightRotation {
  jobId: string;
  generation: number;
  targetIndex: SlotIndex;
  reason: RotationReason;
  attempt: number;
  dueAt: string | null;
}

export interface LastAttempt {
  reason: RotationReason;
  attempt: number;
  dueAt: string | null;
  outcome: 'success' | 'failed';
}

export interface RotationState {
  status: 'absent' | 'active' | 'deleted';
  rotationId: string | null;
  location: RotationLocation | null;
  connectionId: string | null;
  settings: RotationSettings | null;
  createdAt: string | null;
  /** Null until the first credential set is issued. */
  activeIndex: SlotIndex | null;
  /** Of the latest request; each request takes the next one. */
  generation: number;
  inFlight: InFlightRotation | null;
  lastAttempt: LastAttempt | null;
  lastRotatedAt: string | null;
  nextRotationAt: string | null;
}
