export * from './bootstrap';
export * from './service-runtime.module';
export * from './readiness';
export * from './health.controller';
export * from './errors.filter';
export * from './internal-token';
export * from './json-logger';
export * from './readiness-checks';
