import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Harness, startGateway } from './support/gateway-harness';
import { ROUTES } from './support/routes';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** "METHOD /path/:param" for every route Express actually serves under /api (docs excluded). */
function servedRoutes(h: Harness): string[] {
  const express = h.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack
    .flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route?.path}`) : []))
    .filter((r) => r.includes(' /api/') && !r.includes('/api/docs'))
    .sort();
}

describe('OpenAPI document', () => {
  let h: Harness;
  let doc: { paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown; parameters?: { name: string; in: string }[] }>> };

  beforeAll(async () => {
    h = await startGateway('openapi');
    doc = (await request(h.http).get('/api/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await h?.close();
  });

  function documented(): string[] {
    return Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
  }

  it('lists every route the gateway serves, and nothing else', () => {
    const served = servedRoutes(h);
    expect(served.length).toBeGreaterThanOrEqual(30);
    expect(documented()).toEqual(served);
  });

  it('covers every route of the API surface the tests exercise', () => {
    const docs = documented().map((r) => new RegExp(`^${r.replace(/:\w+/g, '[^/]+')}$`));
    const undocumented = ROUTES.filter(([method, path]) => !docs.some((re) => re.test(`${method} ${path}`)));
    expect(undocumented).toEqual([]);
    expect(ROUTES).toHaveLength(documented().length);
  });

  it('documents the request bodies from the same schemas that validate them', () => {
    const create = doc.paths['/api/v2/secret-rotations/redis-credentials']?.['post'] as { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }> } };
    const schema = create.requestBody.content['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(
      ['connectionId', 'description', 'environment', 'isAutoRotationEnabled', 'name', 'parameters', 'projectId', 'rotateAtUtc', 'rotationInterval', 'secretPath', 'secretsMapping'].sort(),
    );
    expect(schema?.additionalProperties).toBe(false);
    expect(JSON.stringify(schema?.properties['rotateAtUtc'])).toContain('"maximum":23');
  });

  it('documents query parameters and bearer authentication', () => {
    const byName = doc.paths['/api/v2/secret-rotations/redis-credentials/rotation-name/{rotationName}']?.['get'];
    expect(byName?.parameters?.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(['environment', 'projectId', 'secretPath']);
    expect(JSON.stringify((doc as unknown as { components: unknown }).components)).toContain('"scheme":"bearer"');
  });

  // The typed API client (libs/api-client) is generated from a committed copy of this document;
  // `npm run api:generate` rewrites the copy (ROTOR_WRITE_OPENAPI_SNAPSHOT=1) and the types.
  it('matches the snapshot the API client is generated from', () => {
    const snapshot = join(__dirname, '..', '..', '..', 'libs', 'api-client', 'openapi.json');
    const served = `${JSON.stringify(doc, null, 2)}\n`;
    if (process.env['ROTOR_WRITE_OPENAPI_SNAPSHOT'] === '1') writeFileSync(snapshot, served);
    const committed = readFileSync(snapshot, 'utf8');
    if (committed !== served) throw new Error('libs/api-client/openapi.json is stale: run `npm run api:generate` and commit the result');
  });

  it('documents the lists of every rotation and every connection of a project, in the shapes of the per-type lists', () => {
    type Op = { responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown> } }> }>; parameters?: { name: string; in: string }[] };
    const ops = doc.paths as unknown as Record<string, Record<string, Op>>;
    const all = ops['/api/v2/secret-rotations']?.['get'];
    const perType = ops['/api/v2/secret-rotations/redis-credentials']?.['get'];
    expect(all?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:projectId']);
    expect(all?.responses['200']?.content?.['application/json']?.schema).toEqual(perType?.responses['200']?.content?.['application/json']?.schema);
    const connections = ops['/api/v1/app-connections']?.['get'];
    expect(Object.keys(connections?.responses['200']?.content?.['application/json']?.schema.properties ?? {})).toEqual(['appConnections']);
  });

  it('documents the answers of rotate-secrets: 200 after the job, 202 while it is still in flight, 409', () => {
    type Op = { description: string; responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown> } }> }> };
    const rotate = (doc.paths as unknown as Record<string, Record<string, Op>>)['/api/v2/secret-rotations/redis-credentials/{rotationId}/rotate-secrets']?.['post'];
    expect(Object.keys(rotate?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '409']));
    for (const status of ['200', '202']) {
      expect(Object.keys(rotate?.responses[status]?.content?.['application/json']?.schema.properties ?? {})).toEqual(['secretRotation', 'jobId']);
    }
    const rotation = rotate?.responses['200']?.content?.['application/json']?.schema.properties['secretRotation'] as { properties: Record<string, unknown> };
    const fields = Object.keys(rotation.properties);
    expect(fields.slice(fields.indexOf('secretsMapping') + 1, fields.indexOf('secretsMapping') + 3)).toEqual(['isRotationInFlight', 'inFlightJobId']);
  });

  it('documents 413 and 415 on every route that takes a JSON body', () => {
    type Op = { requestBody?: unknown; responses: Record<string, unknown> };
    const withBody = Object.entries(doc.paths as unknown as Record<string, Record<string, Op>>).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.requestBody).map(([method, op]) => ({ route: `${method} ${path}`, statuses: Object.keys(op.responses) })),
    );
    expect(withBody.length).toBeGreaterThan(5);
    for (const { route, statuses } of withBody) expect({ route, has: ['413', '415'].every((s) => statuses.includes(s)) }).toEqual({ route, has: true });
  });

  it('serves the UI at /api/docs', async () => {
    const res = await request(h.http).get('/api/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger');
  });
});
