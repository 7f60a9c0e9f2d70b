export * from './clock';
export * from './errors';
export * from './database-unavailable';
export * from './env';
export * from './wakeable-sleep';
export * from './json-log';
