import { Injectable } from '@nestjs/common';
import { RotorError } from '@rotor/util';
import { AccessService } from '../auth/access.service';
import type { AuthenticatedIdentity } from '../auth/authenticated-identity';
import type { Permission } from '../auth/permissions';
import { ProjectView } from '../projects/project.views';
import { InternalHttpClient, UpstreamResponse } from '../upstream/internal-http.client';
import { fetchOwned, keepProject } from '../upstream/owned-resource';
import { assertNoIssues, parseOrThrow, parseRequest } from '../validation/parse-request';
import { createWebhookSchema, listDeliveriesQuerySchema, listWebhooksQuerySchema, updateWebhookSchema } from './webhook.schemas';

export const WEBHOOKS_PATH = '/internal/webhooks';
const ITEM = 'webhook';
const LIST = 'webhooks';

function webhookNotFound(id: string): RotorError {
  return RotorError.notFound('WEBHOOK.NOT_FOUND', `Webhook ${id} not found`);
}

/**
 * Authorizes and validates webhook requests and forwards them to the alerts service. Roles:
 * `create` to add a webhook, `read` to list them and their deliveries, `edit` to change one or
 * send a test, `delete` to remove one. A webhook of a project the caller has no role in is a 404.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly upstream: InternalHttpClient,
    private readonly access: AccessService,
  ) {}

  async create(identity: AuthenticatedIdentity, body: unknown): Promise<UpstreamResponse> {
    const parsed = parseRequest(createWebhookSchema, body);
    const projectId = (body as Record<string, unknown> | null | undefined)?.['projectId'];
    if (typeof projectId !== 'string') assertNoIssues(parsed.issues);
    const project = await this.access.requireProject(identity, projectId as string, 'create');
    assertNoIssues(parsed.issues);
    const response = await this.upstream.call('alerts', { method: 'POST', path: WEBHOOKS_PATH, body: { ...parsed.data, projectId: project.id } });
    return keepProject(response, project.id, ITEM, LIST, () => webhookNotFound('(new)'));
  }

  async list(identity: AuthenticatedIdentity, query: unknown): Promise<UpstreamResponse> {
    const { projectId } = parseOrThrow(listWebhooksQuerySchema, query, 'query');
    const project = await this.access.requireProject(identity, projectId, 'read');
    const response = await this.upstream.call('alerts', { method: 'GET', path: WEBHOOKS_PATH, query: { projectId: project.id } });
    return keepProject(response, project.id, ITEM, LIST, () => webhookNotFound(''));
  }

  async get(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    const { project, response } = await this.owned(identity, id, 'read');
    return keepProject(response, project.id, ITEM, LIST, () => webhookNotFound(id));
  }

  async update(identity: AuthenticatedIdentity, id: string, body: unknown): Promise<UpstreamResponse> {
    const { project } = await this.owned(identity, id, 'edit');
    const data = parseOrThrow(updateWebhookSchema, body);
    const response = await this.upstream.call('alerts', { method: 'PATCH', path: this.itemPath(id), query: { projectId: project.id }, body: data });
    return keepProject(response, project.id, ITEM, LIST, () => webhookNotFound(id));
  }

  async delete(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    const { project } = await this.owned(identity, id, 'delete');
    const response = await this.upstream.call('alerts', { method: 'DELETE', path: this.itemPath(id), query: { projectId: project.id } });
    return keepProject(response, project.id, ITEM, LIST, () => webhookNotFound(id));
  }

  async sendTest(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    const { project } = await this.owned(identity, id, 'edit');
    return this.upstream.call('alerts', { method: 'POST', path: `${this.itemPath(id)}/test`, query: { projectId: project.id } });
  }

  async deliveries(identity: AuthenticatedIdentity, id: string, query: unknown): Promise<UpstreamResponse> {
    const { project } = await this.owned(identity, id, 'read');
    const { limit } = parseOrThrow(listDeliveriesQuerySchema, query, 'query');
    return this.upstream.call('alerts', { method: 'GET', path: `${this.itemPath(id)}/deliveries`, query: { projectId: project.id, limit } });
  }

  private itemPath(id: string): string {
    return `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`;
  }

  private async owned(identity: AuthenticatedIdentity, id: string, permission: Permission): Promise<{ project: ProjectView; response: UpstreamResponse }> {
    const notFound = () => webhookNotFound(id);
    const { projectId, response } = await fetchOwned(this.upstream, 'alerts', WEBHOOKS_PATH, ITEM, id, notFound);
    return { project: await this.access.requireProject(identity, projectId, permission, notFound), response };
  }
}
