export * from './clock';
export * from './errors';
export * from './env';
export * from './wakeable-sleep';
