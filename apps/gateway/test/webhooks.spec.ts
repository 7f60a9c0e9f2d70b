import request from 'supertest';
import { Harness, INTERNAL_TOKEN, Project, startGateway } from './support/gateway-harness';

describe('webhook routes', () => {
  let h: Harness;
  let project: Project;
  let other: Project;
  const auth = { type: 'bearer' as const };
  const W = '/api/v1/webhooks';
  const hook = (projectId: string) => ({ projectId, url: 'https://hooks.example.com/rotor', events: ['rotation.failed'] });

  beforeAll(async () => {
    h = await startGateway('webhooks');
    project = await h.createProject('webhooks');
    other = await h.createProject('webhooks-other');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('forwards a valid webhook to the alerts service with the internal token and answers its secret', async () => {
    const res = await request(h.http).post(W).auth(h.adminToken, auth).send({ ...hook(project.id), description: 'pager' }).expect(200);
    expect(res.body).toMatchObject({ webhook: { projectId: project.id, events: ['rotation.failed'], enabled: true }, secret: 'whsec_stub' });
    const sent = h.alerts.last('POST', '/internal/webhooks');
    expect(sent?.headers['x-rotor-internal-token']).toBe(INTERNAL_TOKEN);
    expect(sent?.body).toEqual({ ...hook(project.id), description: 'pager', enabled: true });
  });

  it('answers 400 naming every bad field, and forwards nothing', async () => {
    const before = h.alerts.requests.length;
    const res = await request(h.http).post(W).auth(h.adminToken, auth)
      .send({ projectId: project.id, url: 'ftp://files.example.com/x', events: ['rotation.exploded', 'rotation.failed'], enabled: 'yes' })
      .expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['enabled', 'events[0]', 'url']);
    const empty = await request(h.http).post(W).auth(h.adminToken, auth).send({ projectId: project.id, url: 'https://x.example.com', events: [] }).expect(400);
    expect(empty.body.details).toEqual([{ field: 'events', message: 'must name at least one event' }]);
    expect(h.alerts.requests.length).toBe(before);
  });

  it('lets a reader list and read deliveries, but not create, change, test or delete', async () => {
    const { body } = await request(h.http).post(W).auth(h.adminToken, auth).send(hook(project.id)).expect(200);
    const id = body.webhook.id as string;
    const reader = await h.tokenFor(project.id, ['read']);
    await request(h.http).get(`${W}?projectId=${project.id}`).auth(reader, auth).expect(200);
    await request(h.http).get(`${W}/${id}/deliveries`).auth(reader, auth).expect(200);
    await request(h.http).post(W).auth(reader, auth).send(hook(project.id)).expect(403);
    await request(h.http).patch(`${W}/${id}`).auth(reader, auth).send({ enabled: false }).expect(403);
    await request(h.http).post(`${W}/${id}/test`).auth(reader, auth).expect(403);
    await request(h.http).delete(`${W}/${id}`).auth(reader, auth).expect(403);

    const editor = await h.tokenFor(project.id, ['read', 'edit']);
    await request(h.http).post(`${W}/${id}/test`).auth(editor, auth).expect(202);
    expect(h.alerts.last('POST', `/internal/webhooks/${id}/test`)?.query).toEqual({ projectId: project.id });
    const patched = await request(h.http).patch(`${W}/${id}`).auth(editor, auth).send({ enabled: false }).expect(200);
    expect(patched.body.webhook.enabled).toBe(false);
  });

  it("hides another project's webhook behind a 404, whatever the caller may do in its own", async () => {
    const { body } = await request(h.http).post(W).auth(h.adminToken, auth).send(hook(other.id)).expect(200);
    const id = body.webhook.id as string;
    const stranger = await h.tokenFor(project.id, ['read', 'create', 'edit', 'delete']);
    for (const [method, path] of [['get', `${W}/${id}`], ['patch', `${W}/${id}`], ['delete', `${W}/${id}`], ['post', `${W}/${id}/test`], ['get', `${W}/${id}/deliveries`]] as const) {
      const res = await request(h.http)[method](path).auth(stranger, auth).send(method === 'patch' ? { enabled: false } : undefined);
      expect({ method, path, status: res.status, error: res.body.error }).toEqual({ method, path, status: 404, error: 'WEBHOOK.NOT_FOUND' });
    }
    await request(h.http).get(`${W}?projectId=${other.id}`).auth(stranger, auth).expect(404);
    expect(h.alerts.webhooks.get(id)?.enabled).toBe(true);
  });
});
