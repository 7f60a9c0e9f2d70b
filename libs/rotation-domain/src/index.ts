// Pure domain rules: no I/O, no framework, only @rotor/util. The Rotation aggregate
// (decide/evolve) lives in ./rotation and is exported here next to these parts.
export * from './password';
export * from './scope';
export * from './schedule';
export * from './naming';
export * from './rotation';
export * from './api-validation';
// Not in browser.ts: it throws RotorError, a server-side type.
export * from './api-validation/parse-input';
export * from './retry';
export * from './api-requests';
