import type { RotationState } from './rotation.types';

export function initialState(): RotationState {
  return {
    status: 'absent',
    rotationId: null,
    location: null,
    connectionId: null,
    settings: null,
    createdAt: null,
    activeIndex: null,
    generation: 0,
    inFlight: null,
    lastAttempt: null,
    lastRotatedAt: null,
    nextRotationAt: null,
  };
}
