import type { SecretRotation } from '@rotor/api-client';
import { daysUntil } from '../lib/time';

export type RotationState =
  | { kind: 'rotating'; label: string }
  | { kind: 'failed'; label: string; message: string }
  | { kind: 'paused'; label: string }
  | { kind: 'scheduled'; label: string; soon: boolean }
  | { kind: 'unknown'; label: string };

/** The one status a rotation shows, most urgent first: rotating, failed, paused, next rotation. */
export function rotationState(rotation: SecretRotation, rotating: boolean, now: Date = new Date()): RotationState {
  const inFlight = rotating || !!(rotation as { inFlightJobId?: string | null }).inFlightJobId;
  if (inFlight) return { kind: 'rotating', label: 'Rotating now' };
  if (rotation.rotationStatus === 'failed') return { kind: 'failed', label: 'Rotation failed', message: rotation.lastRotationMessage ?? 'no reason given' };
  if (!rotation.isAutoRotationEnabled) return { kind: 'paused', label: 'Auto-rotation off' };
  if (rotation.nextRotationAt) {
    const days = daysUntil(rotation.nextRotationAt, now);
    return { kind: 'scheduled', label: days === 0 ? 'Rotates today' : `Rotates in ${days} day${days === 1 ? '' : 's'}`, soon: days < 7 };
  }
  return { kind: 'unknown', label: 'Not scheduled' };
}

/** The badge, with a failure's reason written out (not hidden in a tooltip). */
export function StatusBadge({ rotation, rotating = false }: { rotation: SecretRotation; rotating?: boolean }) {
  const state = rotationState(rotation, rotating);
  const cls = state.kind === 'scheduled' ? (state.soon ? 'badge badge-soon' : 'badge badge-scheduled') : `badge badge-${state.kind}`;
  return (
    <span className="status" data-testid="status">
      <span className={cls}>{state.label}</span>
      {state.kind === 'failed' && <span className="failure-message">{state.message}</span>}
    </span>
  );
}
