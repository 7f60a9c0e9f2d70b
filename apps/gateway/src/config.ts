import { Clock, envInt, envUrls, systemClock } from '@rotor/util';
import { databaseUrlFromEnv } from './data-source';

export const SERVICE_NAME = 'gateway';

/** Everything the gateway reads from its environment, read once at start. */
export interface GatewayConfig {
  databaseUrl: string;
  /** The instances of each internal service (ROTATION_CONFIG_URL etc., comma-separated). */
  rotationConfigUrls: URL[];
  secretStoreUrls: URL[];
  alertsUrls: URL[];
  /** How long a call to an internal service may take before the client gets a 503. */
  upstreamTimeoutMs: number;
  /** Taken as the admin identity's token when set (at least 32 characters). */
  adminToken: string | null;
  rateLimit: { burst: number; perSecond: number };
  /**
   * How long a token's identity and roles, and a project, are reused between requests (0 =
   * looked up every time). A change made through this gateway applies at once; one made
   * through another gateway instance within this time.
   */
  authCacheMs: number;
  /** Record successful reads too (GATEWAY_AUDIT_READS, default true; false only to measure their cost). */
  auditReads: boolean;
  /** Publish audit records to `rotor.audit.v1` from the gateway's outbox (GATEWAY_AUDIT_RELAY, default true). */
  auditRelay: boolean;
  /**
   * How long the audit relay waits after a NOTIFY before it reads the outbox, so the records
   * of that time go to Kafka in one batch (GATEWAY_AUDIT_RELAY_LINGER_MS, default 200; 0 = at
   * once). No request waits for AuditRecorded; every one waits for its record's commit.
   */
  auditRelayLingerMs: number;
  /** The system clock; tests may pass another. */
  clock: Clock;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The gateway's settings from the environment, read once at start (README.md lists them). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const adminToken = env['ROTOR_ADMIN_TOKEN'] || null;
  if (adminToken !== null && adminToken.length < 32) {
    throw new Error('configuration ROTOR_ADMIN_TOKEN must be at least 32 characters (32 random bytes, base64url, is a good token)');
  }
  return {
    databaseUrl: databaseUrlFromEnv(env),
    rotationConfigUrls: envUrls('ROTATION_CONFIG_URL', 'http://127.0.0.1:8081', env),
    secretStoreUrls: envUrls('SECRET_STORE_URL', 'http://127.0.0.1:8084', env),
    alertsUrls: envUrls('ALERTS_URL', 'http://127.0.0.1:8085', env),
    // Creating a rotation waits for its first credential set, so the default is generous.
    upstreamTimeoutMs: envInt('GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000, env),
    adminToken,
    rateLimit: {
      burst: envInt('GATEWAY_RATE_LIMIT_BURST', 120, env),
      perSecond: envInt('GATEWAY_RATE_LIMIT_PER_SECOND', 20, env),
    },
    authCacheMs: envInt('GATEWAY_AUTH_CACHE_MS', 2_000, env),
    auditReads: env['GATEWAY_AUDIT_READS'] !== 'false',
    auditRelay: env['GATEWAY_AUDIT_RELAY'] !== 'false',
    auditRelayLingerMs: envInt('GATEWAY_AUDIT_RELAY_LINGER_MS', 200, env),
    clock: systemClock,
  };
}
