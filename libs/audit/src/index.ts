export * from './audit-record';
export * from './canonical-json';
export * from './hash-chain';
export * from './verify-chain';
export * from './audit-rows';
export * from './verify-audit-log';
export * from './storable-text';
