export * from './rotation.types';
export * from './rotation.errors';
export { initialState as initialRotationState } from './rotation.state';
export { decide as decideRotation } from './rotation.decide';
export { evolve as evolveRotation, rehydrate as rehydrateRotation } from './rotation.evolve';
export { DESCRIPTION_MAX_LENGTH } from './rotation.validation';
