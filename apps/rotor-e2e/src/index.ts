export * from './platform';
export * from './api';
