export { createRotorClient, ok } from './client';
export type { RotorClient, RotorClientOptions } from './client';
export { RotorApiError, toRotorApiError } from './errors';
export type { FieldIssue } from './errors';
export type * from './types';
export type { paths, components, operations } from './generated/openapi';
