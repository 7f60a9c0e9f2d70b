export * from './crypto.error';
export * from './root-key';
export * from './envelope-cipher';
export * from './redact';
