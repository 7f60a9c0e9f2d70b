export * from './permission-scope';
