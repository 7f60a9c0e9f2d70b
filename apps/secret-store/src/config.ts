import { loadRootKey } from '@rotor/crypto';
import { Clock, systemClock } from '@rotor/util';
import { databaseUrlFromEnv } from './data-source';

export const SERVICE_NAME = 'secret-store';

export interface SecretStoreConfig {
  databaseUrl: string;
  /** Wraps the per-project data keys (ROTOR_ROOT_KEY or ROTOR_ROOT_KEY_FILE). */
  rootKey: Buffer;
  consumer: {
    groupId: string;
    maxAttempts?: number;
    backoffMs?: number;
  };
  clock: Clock;
}

export const SECRET_STORE_CONFIG = Symbol('SECRET_STORE_CONFIG');

export const CONSUMER_GROUP_ID = SERVICE_NAME;

/** The secret store's settings from the environment, read once at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SecretStoreConfig {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    rootKey: loadRootKey({ env }),
    consumer: { groupId: CONSUMER_GROUP_ID },
    clock: systemClock,
  };
}
