import { Topic, TOPICS } from '@rotor/contracts';
import { loadRootKey } from '@rotor/crypto';
import { envBool, envInt, envString } from '@rotor/util';
import { databaseUrlFromEnv } from './data-source';
import { VerificationSettings } from './verification/verification-outcome';

export const SERVICE_NAME = 'redis-executor';

export interface ExecutorConfig {
  databaseUrl: string;
  /** Unseals connection passwords and seals issued credentials (ROTOR_ROOT_KEY or ROTOR_ROOT_KEY_FILE). */
  rootKey: Buffer;
  /** Kafka consumer group, and the inbox's consumer name. */
  groupId: string;
  /** Where RotationRequested / RevocationRequested arrive; tests use a topic of their own. */
  rotationTopic: Topic;
  kafkaClientId: string;
  /**
   * A RotationRequested older than this is abandoned, not executed: by then the scheduler
   * has declared it failed (lease expiry) and a retry may already target the same slot, so
   * a late execution could make the secret store briefly serve a password Redis no longer
   * accepts. Same variable as the scheduler's lease.
   */
  leaseMs?: number;
  /**
   * How long a deployment's discovered nodes are reused by later jobs (ROTOR_REDIS_TOPOLOGY_TTL_MS,
   * default 5000; 0 = discover for every job). Any failed job forgets them at once.
   */
  redisTopologyTtlMs?: number;
  /** Continuous verification of served credentials; absent = off. */
  verification?: VerificationSettings;
}

/** Injection token of the ExecutorConfig. */
export const EXECUTOR_CONFIG = Symbol('EXECUTOR_CONFIG');

/** The executor's settings from the environment, read once at start (README.md lists them). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExecutorConfig {
  return {
    databaseUrl: databaseUrlFromEnv(env),
    rootKey: loadRootKey({ env }),
    groupId: envString('EXECUTOR_GROUP_ID', SERVICE_NAME, env),
    rotationTopic: TOPICS.rotationEvents,
    kafkaClientId: envString('KAFKA_CLIENT_ID', SERVICE_NAME, env),
    leaseMs: envInt('ROTOR_ROTATION_LEASE_SECONDS', 300, env) * 1000,
    redisTopologyTtlMs: envInt('ROTOR_REDIS_TOPOLOGY_TTL_MS', 5000, env),
    verification: verificationFromEnv(env),
  };
}

/**
 * ROTOR_VERIFY_INTERVAL_SECONDS (default 300; 30 under the ROTOR_DEV_MINUTES demo setting;
 * 0 turns verification off), ROTOR_VERIFY_MAX_PER_SECOND (50), ROTOR_VERIFY_RETRY_SECONDS
 * (15), ROTOR_VERIFY_CONCURRENCY (8). A bad value names its variable.
 */
export function verificationFromEnv(env: NodeJS.ProcessEnv = process.env): VerificationSettings | undefined {
  const intervalSeconds = envInt('ROTOR_VERIFY_INTERVAL_SECONDS', envBool('ROTOR_DEV_MINUTES', false, env) ? 30 : 300, env);
  if (intervalSeconds < 0) throw new Error(`configuration ROTOR_VERIFY_INTERVAL_SECONDS must be 0 (off) or more, got ${intervalSeconds}`);
  if (intervalSeconds === 0) return undefined;
  const positive = (name: string, fallback: number): number => {
    const n = envInt(name, fallback, env);
    if (n < 1) throw new Error(`configuration ${name} must be at least 1, got ${n}`);
    return n;
  };
  return {
    intervalMs: intervalSeconds * 1000,
    maxPerSecond: positive('ROTOR_VERIFY_MAX_PER_SECOND', 50),
    retryBaseMs: positive('ROTOR_VERIFY_RETRY_SECONDS', 15) * 1000,
    concurrency: positive('ROTOR_VERIFY_CONCURRENCY', 8),
  };
}
