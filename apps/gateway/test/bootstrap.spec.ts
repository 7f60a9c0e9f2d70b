import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { testDatabaseUrl } from '@rotor/testing';
import { Harness, startGateway } from './support/gateway-harness';

/** Starts a gateway while capturing the lines it prints to stdout. */
async function startCapturing(name: string, opts: Parameters<typeof startGateway>[1], databaseUrl: string): Promise<{ h: Harness; printed: string[] }> {
  const printed: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    printed.push(String(chunk));
    return original(chunk as string, ...(rest as []));
  });
  try {
    return { h: await startGateway(name, opts, databaseUrl), printed };
  } finally {
    spy.mockRestore();
  }
}

function printedTokens(printed: string[]): string[] {
  return printed.filter((l) => l.includes('adminToken')).map((l) => JSON.parse(l).adminToken as string);
}

describe('first start', () => {
  let databaseUrl: string;
  let token: string;

  beforeAll(async () => {
    databaseUrl = await testDatabaseUrl('gateway_bootstrap');
  });

  it('creates an admin identity and a default project, and prints the token once', async () => {
    const { h, printed } = await startCapturing('bootstrap', { adminToken: null }, databaseUrl);
    try {
      const tokens = printedTokens(printed);
      expect(tokens).toHaveLength(1);
      token = tokens[0] as string;
      const me = await request(h.http).get('/api/v1/identities/me').auth(token, { type: 'bearer' }).expect(200);
      expect(me.body.identity).toMatchObject({ name: 'admin', isAdmin: true });
      const projects = await request(h.http).get('/api/v1/projects').auth(token, { type: 'bearer' }).expect(200);
      expect(projects.body.projects).toHaveLength(1);
      expect(projects.body.projects[0]).toMatchObject({
        slug: 'default',
        environments: [
          { slug: 'dev', name: 'Development' },
          { slug: 'staging', name: 'Staging' },
          { slug: 'prod', name: 'Production' },
        ],
      });
    } finally {
      await h.close();
    }
  });

  it('prints nothing on the next start, and the printed token keeps working', async () => {
    const { h, printed } = await startCapturing('bootstrap', { adminToken: null }, databaseUrl);
    try {
      expect(printedTokens(printed)).toEqual([]);
      const identities = await request(h.http).get('/api/v1/identities').auth(token, { type: 'bearer' }).expect(200);
      expect(identities.body.identities).toHaveLength(1);
      const projects = await request(h.http).get('/api/v1/projects').auth(token, { type: 'bearer' }).expect(200);
      expect(projects.body.projects).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('adds ROTOR_ADMIN_TOKEN to the existing admin without printing it', async () => {
    const configured = `rotor_${randomBytes(32).toString('base64url')}`;
    const { h, printed } = await startCapturing('bootstrap', { adminToken: configured }, databaseUrl);
    try {
      expect(printed.join('')).not.toContain(configured);
      const me = await request(h.http).get('/api/v1/identities/me').auth(configured, { type: 'bearer' }).expect(200);
      const before = await request(h.http).get('/api/v1/identities/me').auth(token, { type: 'bearer' }).expect(200);
      expect(me.body.identity.id).toBe(before.body.identity.id);
    } finally {
      await h.close();
    }
  });

  it('refuses a short ROTOR_ADMIN_TOKEN', async () => {
    await expect(startGateway('bootstrap', { adminToken: 'too-short' }, databaseUrl)).rejects.toThrow('ROTOR_ADMIN_TOKEN must be at least 32 characters');
  });

  it('never deletes the last admin', async () => {
    const { h } = await startCapturing('bootstrap', { adminToken: null }, databaseUrl);
    try {
      const me = await request(h.http).get('/api/v1/identities/me').auth(token, { type: 'bearer' }).expect(200);
      const res = await request(h.http).delete(`/api/v1/identities/${me.body.identity.id}`).auth(token, { type: 'bearer' }).expect(409);
      expect(res.body.error).toBe('IDENTITY.LAST_ADMIN');
    } finally {
      await h.close();
    }
  });
});

describe('rate limit', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startGateway('rate_limit', { env: { GATEWAY_RATE_LIMIT_BURST: '3', GATEWAY_RATE_LIMIT_PER_SECOND: '1' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 429 with Retry-After once an identity spends its burst, without slowing others', async () => {
    const project = await h.createProject('limited'); // the admin's 1st request
    const other = await h.tokenFor(project.id, ['read']); // 2nd
    await request(h.http).get('/api/v1/projects').auth(h.adminToken, { type: 'bearer' }).expect(200); // 3rd
    const limited = await request(h.http).get('/api/v1/projects').auth(h.adminToken, { type: 'bearer' }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.statusCode).toBe(429);
    expect(limited.body.error).toBe('RATE_LIMIT.EXCEEDED');
    await request(h.http).get('/api/v1/projects').auth(other, { type: 'bearer' }).expect(200);
  });
});
