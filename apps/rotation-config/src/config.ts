import { TOPICS, Topic } from '@rotor/contracts';
import { loadRootKey } from '@rotor/crypto';
import type { ScheduleUnit } from '@rotor/rotation-domain';
import { Clock, envBool, envInt, envString, envUrls, systemClock } from '@rotor/util';
import { databaseUrlFromEnv } from './data-source';

export const SERVICE_NAME = 'rotation-config';

/** Everything rotation-config reads from its environment, read once at start. */
export interface RotationConfigSettings {
  databaseUrl: string;
  /** Seals connection passwords (ROTOR_ROOT_KEY or ROTOR_ROOT_KEY_FILE). */
  rootKey: Buffer;
  /** Kafka consumer group (and inbox consumer name) of the result consumers. */
  consumerGroupId: string;
  /**
   * Where due times and results arrive: the scheduler's, the executor's and the secret
   * store's topics. Tests use a topic of their own, so no other process's events reach them.
   */
  inboundTopics: Topic[];
  /** How long POST (create) waits for the first credential set before giving up. */
  initialIssueTimeoutMs: number;
  /** How long rotate-secrets waits for its job's outcome before answering 202 with the job. */
  rotateWaitMs: number;
  /**
   * How long a read or a rotate request waits for a job the secret store has already stored
   * to be recorded here (the RotationSecretsStored on its way), so the answer agrees with the
   * secrets a client can already read.
   */
  settleWaitMs: number;
  /**
   * How often those waits look at the read model themselves. Each wakes at once when the read
   * model announces a settled job (Postgres NOTIFY); this is the fallback.
   */
  outcomePollMs: number;
  /** The secret store's instances (SECRET_STORE_URL, comma-separated): which jobs it has stored, which secrets exist. */
  secretStoreUrls: URL[];
  /** How long a call to the secret store may take. */
  secretStoreTimeoutMs: number;
  /** What rotation intervals count: days, or minutes under ROTOR_DEV_MINUTES=1 (demos). */
  scheduleUnit: ScheduleUnit;
  /** The system clock; tests may pass another. */
  clock: Clock;
}

export const ROTATION_CONFIG_SETTINGS = Symbol('ROTATION_CONFIG_SETTINGS');

/** rotation-config's settings from the environment, read once at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RotationConfigSettings {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    rootKey: loadRootKey({ env }),
    consumerGroupId: envString('ROTATION_CONFIG_GROUP_ID', SERVICE_NAME, env),
    inboundTopics: [TOPICS.schedulerEvents, TOPICS.executorEvents, TOPICS.secretsInternal],
    initialIssueTimeoutMs: envInt('ROTATION_INITIAL_ISSUE_TIMEOUT_MS', 20_000, env),
    rotateWaitMs: envInt('ROTATION_ROTATE_WAIT_MS', 20_000, env),
    settleWaitMs: envInt('ROTATION_SETTLE_WAIT_MS', 5_000, env),
    outcomePollMs: envInt('ROTATION_OUTCOME_POLL_MS', 1_000, env),
    secretStoreUrls: envUrls('SECRET_STORE_URL', 'http://127.0.0.1:8084', env),
    secretStoreTimeoutMs: envInt('SECRET_STORE_TIMEOUT_MS', 5_000, env),
    scheduleUnit: envBool('ROTOR_DEV_MINUTES', false, env) ? 'minutes' : 'days',
    clock: systemClock,
  };
}
