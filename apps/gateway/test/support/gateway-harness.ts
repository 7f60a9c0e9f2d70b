import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types';
import { testDatabaseUrl } from '@rotor/testing';
import { AppModule } from '../../src/app.module';
import { configureGateway } from '../../src/configure-gateway';
import type { Permission } from '../../src/auth/permissions';
import { PERMISSIONS } from '../../src/auth/permissions';
import { fakeAlerts } from './fake-alerts';
import { fakeRotationConfig, fakeSecretStore } from './fake-services';
import { StubService } from './stub-service';

export const INTERNAL_TOKEN = 'gateway-test-internal-token-0123456789';

export interface Project {
  id: string;
  environments: { id: string; slug: string; name: string }[];
}

export interface Harness {
  app: INestApplication;
  http: App;
  databaseUrl: string;
  adminToken: string;
  rotationConfig: ReturnType<typeof fakeRotationConfig>;
  secretStore: StubService;
  alerts: ReturnType<typeof fakeAlerts>;
  /** Create a project as admin. */
  createProject(slug: string): Promise<Project>;
  /** Create an identity with `permissions` in `projectId`; returns its token. */
  tokenFor(projectId: string, permissions: readonly Permission[]): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  /** The internal services' URL variables, from the stubs' own URLs (e.g. to list more instances). */
  upstreamEnv?: (stubs: { rotationConfig: string; secretStore: string; alerts: string }) => Record<string, string>;
  adminToken?: string | null;
}

/** Runs `fn` with process.env patched, restoring it afterwards. */
function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** The real gateway (Nest app, real Postgres) in front of stub internal services. */
export async function startGateway(name: string, opts: HarnessOptions = {}, databaseUrl?: string): Promise<Harness> {
  const url = databaseUrl ?? (await testDatabaseUrl(`gateway_${name}`));
  const rotationConfig = fakeRotationConfig();
  const secretStore = fakeSecretStore();
  const alerts = fakeAlerts();
  await rotationConfig.start();
  await secretStore.start();
  await alerts.start();
  const adminToken = opts.adminToken === undefined ? `rotor_${randomBytes(32).toString('base64url')}` : opts.adminToken;
  const app = await withEnv(
    {
      DATABASE_URL: url,
      ROTATION_CONFIG_URL: rotationConfig.url,
      SECRET_STORE_URL: secretStore.url,
      ALERTS_URL: alerts.url,
      ROTOR_INTERNAL_TOKEN: INTERNAL_TOKEN,
      ROTOR_ADMIN_TOKEN: adminToken ?? undefined,
      GATEWAY_RATE_LIMIT_BURST: '100000',
      GATEWAY_RATE_LIMIT_PER_SECOND: '100000',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '1500',
      // Audit records wait in the outbox; tests of the topic turn the relay on.
      GATEWAY_AUDIT_RELAY: 'false',
      ...opts.upstreamEnv?.({ rotationConfig: rotationConfig.url, secretStore: secretStore.url, alerts: alerts.url }),
      ...opts.env,
    },
    async () => {
      try {
        const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot()] }).compile();
        const nest = moduleRef.createNestApplication({ logger: false });
        configureGateway(nest);
        await nest.init();
        return nest;
      } catch (e) {
        await rotationConfig.stop();
        await secretStore.stop();
        await alerts.stop();
        throw e;
      }
    },
  );
  const http = app.getHttpServer() as App;

  const harness: Harness = {
    app,
    http,
    databaseUrl: url,
    adminToken: adminToken ?? '',
    rotationConfig,
    secretStore,
    alerts,
    async createProject(slug) {
      const res = await request(http).post('/api/v1/projects').auth(harness.adminToken, { type: 'bearer' }).send({ name: slug, slug }).expect(201);
      return res.body.project as Project;
    },
    async tokenFor(projectId, permissions) {
      const res = await request(http)
        .post('/api/v1/identities')
        .auth(harness.adminToken, { type: 'bearer' })
        .send({ name: `id-${randomBytes(3).toString('hex')}`, roles: [{ projectId, permissions }] })
        .expect(201);
      return res.body.token.token as string;
    },
    async close() {
      await app.close();
      await rotationConfig.stop();
      await secretStore.stop();
      await alerts.stop();
    },
  };
  return harness;
}

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSIONS;

/** Every row of every gateway table, as text, for scanning. */
export async function dumpTables(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    let text = '';
    for (const { tablename } of tables.rows) {
      const rows = await client.query(`SELECT * FROM "${tablename}"`);
      text += `${tablename}: ${JSON.stringify(rows.rows)}\n`;
    }
    return text;
  } finally {
    await client.end();
  }
}

/** The Infisical-compatible API's documented sample request, with whole-number times (see @rotor/testing). */
export { sampleRotationRequest as sampleRequest } from '@rotor/testing';

export function connectionRequest(projectId: string, name = 'my-redis'): Record<string, unknown> {
  return { name, projectId, host: '127.0.0.1', port: 6379, username: 'rotor-admin', password: 'admin-secret-password' };
}
