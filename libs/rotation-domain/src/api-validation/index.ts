export * from './secret-path';
export * from './slug';
export * from './secret-name';
export * from './field-issues';
