export * from './topics';
export * from './registry';
export * from './envelope';
export * from './events/common';
export * from './events/rotation-events';
export * from './events/executor-events';
export * from './events/scheduler-events';
export * from './events/secret-events';
