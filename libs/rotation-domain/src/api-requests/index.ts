export * from './common.schemas';
export * from './domain-issues';
export * from './at-least-one-field';
export * from './rotation-requests';
