import type { RequestedBy, RotateAtUtc, RotationParameters, RotationSecretsMapping } from '@rotor/rotation-domain';

/**
 * One rotation as the Infisical-compatible API answers it: its fields, in its order, then the
 * fields Rotor adds after them.
 */
export interface SecretRotationView {
  id: string;
  name: string;
  description: string | null;
  isAutoRotationEnabled: boolean;
  activeIndex: number;
  folderId: string;
  connectionId: string;
  createdAt: string;
  updatedAt: string;
  rotationInterval: number;
  rotationStatus: 'success' | 'failed' | null;
  lastRotationAttemptedAt: string | null;
  lastRotatedAt: string | null;
  lastRotationJobId: string | null;
  nextRotationAt: string | null;
  connection: { app: 'redis'; name: string; id: string };
  environment: { slug: string; name: string; id: string };
  projectId: string;
  folder: { id: string; path: string };
  rotateAtUtc: RotateAtUtc;
  lastRotationMessage: string | null;
  type: 'redis-credentials';
  parameters: RotationParameters;
  secretsMapping: RotationSecretsMapping;
  /** Added by Rotor: a job of this rotation is in flight (requested, outcome not yet recorded). */
  isRotationInFlight: boolean;
  /** Added by Rotor: that job's id (null when none is in flight). */
  inFlightJobId: string | null;
  /**
   * Added by Rotor (continuous verification): does the served credential — and the one it
   * replaced — still authenticate on every node? null until the first check.
   */
  verificationStatus: 'healthy' | 'drifted' | 'unverifiable' | null;
  lastVerifiedAt: string | null;
  lastVerificationMessage: string | null;
}

/** A row of the rotation's history: what happened, when, for which job. Never a secret. */
export interface RotationHistoryEntry {
  eventId: string;
  version: number;
  type: string;
  occurredAt: string;
  jobId: string | null;
  /**
   * Who made it happen: the identity that asked through the API, or Rotor itself (schedules,
   * retries, heals, outcomes of its own work); null for RevocationRequested, which names no
   * requester (the RotationDeleted beside it does).
   */
  actor: HistoryActor | null;
  details: Record<string, unknown>;
}

export type HistoryActor = { type: 'identity'; id: string; name: string; tokenId: string | null } | { type: 'rotor'; name: 'Rotor' };

/** Events that only ever come from Rotor's own work, whoever asked for it. */
const ROTOR_OUTCOMES = new Set(['RotationCompleted', 'RotationAttemptFailed']);

export function historyActor(type: string, details: Record<string, unknown>): HistoryActor | null {
  const by = details['requestedBy'] as RequestedBy | undefined;
  if (by?.type === 'identity') return { type: 'identity', id: by.id, name: by.name, tokenId: by.tokenId ?? null };
  if (by?.type === 'rotor' || ROTOR_OUTCOMES.has(type)) return { type: 'rotor', name: 'Rotor' };
  return null;
}

export interface RotationRow {
  id: string;
  project_id: string;
  environment_id: string;
  environment_slug: string;
  environment_name: string;
  folder_id: string;
  secret_path: string;
  name: string;
  description: string | null;
  connection_id: string;
  connection_name: string;
  is_auto_rotation_enabled: boolean;
  rotation_interval: number;
  rotate_at_hours: number;
  rotate_at_minutes: number;
  parameters: RotationParameters;
  secrets_mapping: RotationSecretsMapping;
  active_index: number | null;
  rotation_status: 'success' | 'failed' | null;
  last_rotation_attempted_at: Date | null;
  last_rotated_at: Date | null;
  last_rotation_job_id: string | null;
  last_rotation_message: string | null;
  next_rotation_at: Date | null;
  in_flight_job_id: string | null;
  stream_version: number;
  created_at: Date;
  updated_at: Date;
  verification_status: 'healthy' | 'drifted' | 'unverifiable' | null;
  last_verified_at: Date | null;
  last_verification_message: string | null;
}

export function toRotationView(r: RotationRow): SecretRotationView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    isAutoRotationEnabled: r.is_auto_rotation_enabled,
    activeIndex: r.active_index ?? 0,
    folderId: r.folder_id,
    connectionId: r.connection_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    rotationInterval: r.rotation_interval,
    rotationStatus: r.rotation_status,
    lastRotationAttemptedAt: iso(r.last_rotation_attempted_at),
    lastRotatedAt: iso(r.last_rotated_at),
    lastRotationJobId: r.last_rotation_job_id,
    nextRotationAt: iso(r.next_rotation_at),
    connection: { app: 'redis', name: r.connection_name, id: r.connection_id },
    environment: { slug: r.environment_slug, name: r.environment_name, id: r.environment_id },
    projectId: r.project_id,
    folder: { id: r.folder_id, path: r.secret_path },
    rotateAtUtc: { hours: r.rotate_at_hours, minutes: r.rotate_at_minutes },
    lastRotationMessage: r.last_rotation_message,
    type: 'redis-credentials',
    parameters: r.parameters,
    secretsMapping: r.secrets_mapping,
    isRotationInFlight: r.in_flight_job_id !== null,
    inFlightJobId: r.in_flight_job_id,
    verificationStatus: r.verification_status ?? null,
    lastVerifiedAt: iso(r.last_verified_at ?? null),
    lastVerificationMessage: r.last_verification_message ?? null,
  };
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}
