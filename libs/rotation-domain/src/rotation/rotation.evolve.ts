import type { RotationEvent, RotationSettings, RotationState } from './rotation.types';
import { initialState } from './rotation.state';

export function evolve(state: RotationState, event: RotationEvent): RotationState {
  switch (event.type) {
    case 'RotationCreated': {
      const { rotationId, projectId, environment, secretPath, connectionId, createdAt } = event.data;
      return {
        ...state,
        status: 'active',
        rotationId,
        location: { projectId, environment, secretPath },
        connectionId,
        settings: pickSettings(event.data),
        createdAt,
      };
    }
    case 'RotationUpdated':
      return { ...state, settings: pickSettings(event.data), nextRotationAt: event.data.nextRotationAt };
    case 'RotationDeleted':
      return { ...state, status: 'deleted', inFlight: null };
    case 'RotationRequested': {
      const { jobId, generation, targetIndex, reason, attempt, dueAt } = event.data;
      return { ...state, generation, inFlight: { jobId, generation, targetIndex, reason, attempt, dueAt } };
    }
    case 'RotationCompleted': {
      const { reason, dueAt, activeIndex, rotatedAt, nextRotationAt } = event.data;
      const attempt = state.inFlight?.attempt ?? 1;
      return {
        ...state,
        activeIndex,
        inFlight: null,
        lastAttempt: { reason, attempt, dueAt, outcome: 'success' },
        lastRotatedAt: rotatedAt,
        nextRotationAt,
      };
    }
    case 'RotationAttemptFailed': {
      const { reason, attempt, dueAt } = event.data;
      return { ...state, inFlight: null, lastAttempt: { reason, attempt, dueAt, outcome: 'failed' } };
    }
    case 'RevocationRequested':
      return state;
  }
}

/** Folds a stream into its current state. */
export function rehydrate(events: readonly RotationEvent[]): RotationState {
  return events.reduce(evolve, initialState());
}

function pickSettings(s: RotationSettings): RotationSettings {
  return {
    name: s.name,
    description: s.description,
    isAutoRotationEnabled: s.isAutoRotationEnabled,
    rotationInterval: s.rotationInterval,
    rotateAtUtc: { ...s.rotateAtUtc },
    parameters: s.parameters,
    secretsMapping: { ...s.secretsMapping },
  };
}
