import { Injectable } from '@nestjs/common';
import { RotorError } from '@rotor/util';
import { AccessService } from '../auth/access.service';
import type { AuthenticatedIdentity } from '../auth/authenticated-identity';
import type { Permission } from '../auth/permissions';
import { ProjectView } from '../projects/project.views';
import { InternalHttpClient, UpstreamResponse } from '../upstream/internal-http.client';
import { fetchOwned, keepProject } from '../upstream/owned-resource';
import { assertNoIssues, parseOrThrow, parseRequest } from '../validation/parse-request';
import { createRedisConnectionSchema, listConnectionsQuerySchema, updateRedisConnectionSchema } from './redis-connection.schemas';
import { stripWriteOnly } from './strip-write-only';

export const REDIS_CONNECTIONS_PATH = '/internal/app-connections/redis';
const ITEM = 'appConnection';
const LIST = 'appConnections';

function connectionNotFound(id: string): RotorError {
  return RotorError.notFound('APP_CONNECTION.NOT_FOUND', `Redis connection ${id} not found`);
}

/** Authorizes and validates connection requests, forwards them to rotation-config, strips passwords from answers. */
@Injectable()
export class RedisConnectionsService {
  constructor(
    private readonly upstream: InternalHttpClient,
    private readonly access: AccessService,
  ) {}

  async create(identity: AuthenticatedIdentity, body: unknown): Promise<UpstreamResponse> {
    const parsed = parseRequest(createRedisConnectionSchema, body);
    const projectId = (body as Record<string, unknown> | null | undefined)?.['projectId'];
    if (typeof projectId !== 'string') assertNoIssues(parsed.issues);
    const project = await this.access.requireProject(identity, projectId as string, 'create');
    assertNoIssues(parsed.issues);
    return this.clean(project, await this.upstream.call('rotation-config', { method: 'POST', path: REDIS_CONNECTIONS_PATH, body: { ...parsed.data, projectId: project.id } }), '(new)');
  }

  async list(identity: AuthenticatedIdentity, query: unknown): Promise<UpstreamResponse> {
    const { projectId } = parseOrThrow(listConnectionsQuerySchema, query, 'query');
    const project = await this.access.requireProject(identity, projectId, 'read');
    return this.clean(project, await this.upstream.call('rotation-config', { method: 'GET', path: REDIS_CONNECTIONS_PATH, query: { projectId: project.id } }), '');
  }

  async get(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    const { project, response } = await this.owned(identity, id, 'read');
    return this.clean(project, response, id);
  }

  async update(identity: AuthenticatedIdentity, id: string, body: unknown): Promise<UpstreamResponse> {
    const { project } = await this.owned(identity, id, 'edit');
    const data = parseOrThrow(updateRedisConnectionSchema, body);
    const response = await this.upstream.call('rotation-config', {
      method: 'PATCH',
      path: `${REDIS_CONNECTIONS_PATH}/${encodeURIComponent(id)}`,
      query: { projectId: project.id },
      body: data,
    });
    return this.clean(project, response, id);
  }

  async delete(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    const { project } = await this.owned(identity, id, 'delete');
    const response = await this.upstream.call('rotation-config', {
      method: 'DELETE',
      path: `${REDIS_CONNECTIONS_PATH}/${encodeURIComponent(id)}`,
      query: { projectId: project.id },
    });
    return this.clean(project, response, id);
  }

  private async owned(identity: AuthenticatedIdentity, id: string, permission: Permission): Promise<{ project: ProjectView; response: UpstreamResponse }> {
    const notFound = () => connectionNotFound(id);
    const { projectId, response } = await fetchOwned(this.upstream, 'rotation-config', REDIS_CONNECTIONS_PATH, ITEM, id, notFound);
    return { project: await this.access.requireProject(identity, projectId, permission, notFound), response };
  }

  private clean(project: ProjectView, response: UpstreamResponse, id: string): UpstreamResponse {
    const kept = keepProject(response, project.id, ITEM, LIST, () => connectionNotFound(id));
    return { ...kept, body: stripWriteOnly(kept.body) };
  }
}
