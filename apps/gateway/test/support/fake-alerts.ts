import { randomUUID } from 'node:crypto';
import { StubService } from './stub-service';

type Webhook = { id: string; projectId: string; url: string; description: string | null; events: string[]; enabled: boolean; createdAt: string; updatedAt: string };

/** Plays the alerts service: webhooks kept in memory, scoped by the projectId the gateway sends. */
export function fakeAlerts(): StubService & { webhooks: Map<string, Webhook> } {
  const W = '/internal/webhooks';
  const webhooks = new Map<string, Webhook>();
  const find = (id: string, projectId: string | undefined) => {
    const w = webhooks.get(id);
    return w && (projectId === undefined || w.projectId === projectId) ? w : undefined;
  };
  const notFound = (id: string) => ({ status: 404, body: { statusCode: 404, error: 'WEBHOOK.NOT_FOUND', message: `Webhook ${id} not found` } });
  const stub = new StubService()
    .on('POST', new RegExp(`^${W}$`), (req) => {
      const body = req.body as Omit<Webhook, 'id' | 'createdAt' | 'updatedAt'>;
      const now = new Date().toISOString();
      const w: Webhook = { ...body, id: randomUUID(), createdAt: now, updatedAt: now };
      webhooks.set(w.id, w);
      return { status: 200, body: { webhook: w, secret: 'whsec_stub' } };
    })
    .on('GET', new RegExp(`^${W}$`), (req) => ({ status: 200, body: { webhooks: [...webhooks.values()].filter((w) => w.projectId === req.query['projectId']) } }))
    .on('GET', new RegExp(`^${W}/([^/]+)$`), (req, [id]) => {
      const w = find(id as string, req.query['projectId']);
      return w ? { status: 200, body: { webhook: w } } : notFound(id as string);
    })
    .on('PATCH', new RegExp(`^${W}/([^/]+)$`), (req, [id]) => {
      const w = find(id as string, req.query['projectId']);
      if (!w) return notFound(id as string);
      Object.assign(w, req.body as Partial<Webhook>);
      return { status: 200, body: { webhook: w } };
    })
    .on('DELETE', new RegExp(`^${W}/([^/]+)$`), (req, [id]) => {
      const w = find(id as string, req.query['projectId']);
      if (!w) return notFound(id as string);
      webhooks.delete(w.id);
      return { status: 200, body: { webhook: w } };
    })
    .on('POST', new RegExp(`^${W}/([^/]+)/test$`), (req, [id]) =>
      find(id as string, req.query['projectId']) ? { status: 202, body: { delivery: { id: randomUUID(), event: 'webhook.test', status: 'pending' } } } : notFound(id as string),
    )
    .on('GET', new RegExp(`^${W}/([^/]+)/deliveries$`), (req, [id]) =>
      find(id as string, req.query['projectId']) ? { status: 200, body: { deliveries: [] } } : notFound(id as string),
    );
  return Object.assign(stub, { webhooks });
}
