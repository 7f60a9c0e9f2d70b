export * from '@rotor/api-client';
export { Rotor, toArray } from './rotor';
export type { RotationOutcome, RotationSecrets, HistoryEntry, RedisConnectionSummary, SecretValue } from './rotor';
export { RotorWaitError, pollUntil } from './wait';
export type { WaitOptions } from './wait';
