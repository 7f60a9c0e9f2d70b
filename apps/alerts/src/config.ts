import { loadRootKey } from '@rotor/crypto';
import { Clock, envInt, systemClock } from '@rotor/util';
import { DEFAULT_DELIVERY_RETRY_POLICY, DeliveryRetryPolicy } from '@rotor/webhooks';
import { databaseUrlFromEnv } from './data-source';

export const SERVICE_NAME = 'alerts';

export interface AlertsConfig {
  databaseUrl: string;
  /** Seals the webhooks' signing secrets (ROTOR_ROOT_KEY or ROTOR_ROOT_KEY_FILE). */
  rootKey: Buffer;
  consumer: {
    groupId: string;
    maxAttempts?: number;
    backoffMs?: number;
    /**
     * A fetch answers once it holds this many bytes or after `maxWaitMs`: alerts is never on a
     * rotation's critical path, so its events may wait a little to come many to a fetch, with
     * one transaction for them all, instead of one fetch and one transaction for every few
     * (ALERTS_CONSUMER_MIN_BYTES, 65536; ALERTS_CONSUMER_MAX_WAIT_MS, 250).
     */
    minBytes?: number;
    maxWaitMs?: number;
  };
  delivery: {
    retry: DeliveryRetryPolicy;
    /** How long a receiver may take to answer one attempt. */
    timeoutMs: number;
    /** Deliveries sent at once by one instance. */
    concurrency: number;
    /** Longest pause between two looks at the table when nothing woke the loop. */
    pollMs: number;
  };
  clock: Clock;
}

export const ALERTS_CONFIG = Symbol('ALERTS_CONFIG');

export const CONSUMER_GROUP_ID = SERVICE_NAME;

/** The alerts service's settings from the environment, read once at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    rootKey: loadRootKey({ env }),
    consumer: {
      groupId: CONSUMER_GROUP_ID,
      minBytes: envInt('ALERTS_CONSUMER_MIN_BYTES', 65_536, env),
      maxWaitMs: envInt('ALERTS_CONSUMER_MAX_WAIT_MS', 250, env),
    },
    delivery: {
      retry: {
        baseDelayMs: envInt('ALERTS_RETRY_BASE_MS', DEFAULT_DELIVERY_RETRY_POLICY.baseDelayMs, env),
        maxDelayMs: envInt('ALERTS_RETRY_MAX_MS', DEFAULT_DELIVERY_RETRY_POLICY.maxDelayMs, env),
        maxAttempts: envInt('ALERTS_MAX_ATTEMPTS', DEFAULT_DELIVERY_RETRY_POLICY.maxAttempts, env),
      },
      timeoutMs: envInt('ALERTS_DELIVERY_TIMEOUT_MS', 10_000, env),
      concurrency: envInt('ALERTS_DELIVERY_CONCURRENCY', 8, env),
      pollMs: envInt('ALERTS_POLL_MS', 1_000, env),
    },
    clock: systemClock,
  };
}
