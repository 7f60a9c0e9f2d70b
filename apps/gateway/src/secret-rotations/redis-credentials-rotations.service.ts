import { Injectable } from '@nestjs/common';
import { slugProblem } from '@rotor/rotation-domain';
import { FieldIssue, RotorError } from '@rotor/util';
import { REDIS_CONNECTIONS_PATH } from '../app-connections/redis-connections.service';
import { AccessService } from '../auth/access.service';
import type { AuthenticatedIdentity } from '../auth/authenticated-identity';
import type { Permission } from '../auth/permissions';
import { LocationService } from '../projects/location.service';
import { ProjectView } from '../projects/project.views';
import { InternalHttpClient, UpstreamResponse } from '../upstream/internal-http.client';
import { fetchOwned, isResourceId, keepProject, projectIdOf } from '../upstream/owned-resource';
import { assertNoIssues, parseOrThrow, parseRequest } from '../validation/parse-request';
import {
  createRotationSchema,
  deleteRotationQuerySchema,
  emptyBodySchema,
  listRotationsQuerySchema,
  rotationByNameQuerySchema,
  updateRotationSchema,
} from './redis-credentials-rotation.schemas';

export const ROTATIONS_PATH = '/internal/secret-rotations/redis-credentials';
const ITEM = 'secretRotation';
const LIST = 'secretRotations';
/** Rotations whose project the gateway remembers (a rotation never changes project). */
const KNOWN_OWNERS = 20_000;

function rotationNotFound(id: string): RotorError {
  return RotorError.notFound('SECRET_ROTATION.NOT_FOUND', `secret rotation ${id} not found`);
}

/**
 * Authorizes and validates each rotation request, then forwards it to rotation-config with
 * the project, and on create the resolved environment and folder.
 */
@Injectable()
export class RedisCredentialsRotationsService {
  /**
   * Rotation id → its project, learned from rotation-config. A rotation's project never
   * changes and ids are never reused, so acting on a known rotation skips asking who owns it
   * (one internal call less per rotate, update, history…). The caller's rights are checked
   * every time all the same; a rotation that is gone shows as an upstream 404, which sends
   * the request back through the full lookup, so the answer is the same as without the map.
   */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly upstream: InternalHttpClient,
    private readonly access: AccessService,
    private readonly locations: LocationService,
  ) {}

  async create(identity: AuthenticatedIdentity, body: unknown): Promise<UpstreamResponse> {
    const parsed = parseRequest(createRotationSchema, body);
    const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof raw['projectId'] !== 'string') assertNoIssues(parsed.issues); // names projectId among the rest
    const project = await this.access.requireProject(identity, raw['projectId'] as string, 'create');
    const issues: FieldIssue[] = [...parsed.issues];
    const envIssue = this.locations.environmentIssue(project, raw['environment']);
    if (envIssue) issues.push(envIssue);
    if (typeof raw['connectionId'] === 'string') {
      const connIssue = await this.connectionIssue(project, raw['connectionId']);
      if (connIssue) issues.push(connIssue);
    }
    assertNoIssues(issues);
    const data = parsed.data as NonNullable<typeof parsed.data>;
    const { environment, folder } = await this.locations.forWrite(project, data.environment, data.secretPath);
    const response = await this.upstream.call('rotation-config', {
      method: 'POST',
      path: ROTATIONS_PATH,
      body: { ...data, projectId: project.id, environment, folder },
    });
    const kept = keepProject(response, project.id, ITEM, LIST, () => rotationNotFound('(new)'));
    const createdId = (kept.body as { secretRotation?: { id?: unknown } } | undefined)?.secretRotation?.id;
    if (kept.status < 300 && typeof createdId === 'string') this.remember(createdId, project.id);
    return kept;
  }

  async list(identity: AuthenticatedIdentity, query: unknown): Promise<UpstreamResponse> {
    const { projectId } = parseOrThrow(listRotationsQuerySchema, query, 'query');
    const project = await this.access.requireProject(identity, projectId, 'read');
    const response = await this.upstream.call('rotation-config', { method: 'GET', path: ROTATIONS_PATH, query: { projectId: project.id } });
    return keepProject(response, project.id, ITEM, LIST, () => rotationNotFound(''));
  }

  async get(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    return (await this.owned(identity, id, 'read')).response;
  }

  async getByName(identity: AuthenticatedIdentity, name: string, query: unknown): Promise<UpstreamResponse> {
    const parsed = parseRequest(rotationByNameQuerySchema, query, 'query');
    const raw = (query ?? {}) as Record<string, unknown>;
    if (typeof raw['projectId'] !== 'string') assertNoIssues(parsed.issues);
    const project = await this.access.requireProject(identity, raw['projectId'] as string, 'read');
    const issues: FieldIssue[] = [...parsed.issues];
    const envIssue = this.locations.environmentIssue(project, raw['environment']);
    if (envIssue) issues.push(envIssue);
    const nameProblem = slugProblem(name);
    if (nameProblem) issues.push({ field: 'name', message: nameProblem });
    assertNoIssues(issues);
    const data = parsed.data as NonNullable<typeof parsed.data>;
    const response = await this.upstream.call('rotation-config', {
      method: 'GET',
      path: `${ROTATIONS_PATH}/rotation-name/${encodeURIComponent(name)}`,
      query: { projectId: project.id, environment: data.environment, secretPath: data.secretPath },
    });
    return keepProject(response, project.id, ITEM, LIST, () => rotationNotFound(name));
  }

  async update(identity: AuthenticatedIdentity, id: string, body: unknown): Promise<UpstreamResponse> {
    return this.asOwner(identity, id, 'edit', (project) => {
      const data = parseOrThrow(updateRotationSchema, body);
      return this.forward(project, id, { method: 'PATCH', path: '', body: data });
    });
  }

  async delete(identity: AuthenticatedIdentity, id: string, query: unknown): Promise<UpstreamResponse> {
    const response = await this.asOwner(identity, id, 'delete', (project) => {
      const { deleteSecrets = false, revokeGeneratedCredentials = false } = parseOrThrow(deleteRotationQuerySchema, query, 'query');
      return this.forward(project, id, { method: 'DELETE', path: '', query: { deleteSecrets, revokeGeneratedCredentials } });
    });
    if (response.status < 300) this.owners.delete(id);
    return response;
  }

  async rotate(identity: AuthenticatedIdentity, id: string, body: unknown): Promise<UpstreamResponse> {
    return this.asOwner(identity, id, 'rotate', (project) => {
      parseOrThrow(emptyBodySchema, body ?? {});
      return this.forward(project, id, { method: 'POST', path: '/rotate-secrets' });
    });
  }

  async history(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    return this.asOwner(identity, id, 'read', (project) => this.forward(project, id, { method: 'GET', path: '/history' }));
  }

  async generatedCredentials(identity: AuthenticatedIdentity, id: string): Promise<UpstreamResponse> {
    return this.asOwner(identity, id, 'read-generated-credentials', (project) =>
      this.upstream.call('secret-store', {
        method: 'GET',
        path: `/internal/rotations/${encodeURIComponent(id)}/generated-credentials`,
        query: { projectId: project.id },
      }),
    );
  }

  /** The rotation's project, when the caller can see it and holds `permission` there. */
  private async owned(identity: AuthenticatedIdentity, id: string, permission: Permission): Promise<{ project: ProjectView; response: UpstreamResponse }> {
    const notFound = () => rotationNotFound(id);
    const { projectId, response } = await fetchOwned(this.upstream, 'rotation-config', ROTATIONS_PATH, ITEM, id, notFound);
    this.remember(id, projectId);
    const project = await this.access.requireProject(identity, projectId, permission, notFound);
    return { project, response };
  }

  /**
   * `act` on the rotation's project once the caller is allowed there; the project from
   * `owners` when known. A 404 from `act` on a remembered project may mean the rotation is
   * gone: then the full lookup decides, exactly as it would have without the map (a 404 is
   * an action that did not happen, so running `act` again is safe).
   */
  private async asOwner(
    identity: AuthenticatedIdentity,
    id: string,
    permission: Permission,
    act: (project: ProjectView) => Promise<UpstreamResponse>,
  ): Promise<UpstreamResponse> {
    const known = this.owners.get(id);
    if (known !== undefined) {
      const project = await this.access.requireProject(identity, known, permission, () => rotationNotFound(id));
      const response = await act(project);
      if (response.status !== 404) return response;
      this.owners.delete(id);
    }
    const { project } = await this.owned(identity, id, permission);
    return act(project);
  }

  private remember(id: string, projectId: string): void {
    if (this.owners.size >= KNOWN_OWNERS) this.owners.delete(this.owners.keys().next().value as string);
    this.owners.set(id, projectId);
  }

  private async forward(
    project: ProjectView,
    id: string,
    req: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; query?: Record<string, boolean>; body?: unknown },
  ): Promise<UpstreamResponse> {
    const response = await this.upstream.call('rotation-config', {
      method: req.method,
      path: `${ROTATIONS_PATH}/${encodeURIComponent(id)}${req.path}`,
      query: { projectId: project.id, ...req.query },
      body: req.body,
    });
    return keepProject(response, project.id, ITEM, LIST, () => rotationNotFound(id));
  }

  /** The same answer whether the connection is absent or belongs to another project. */
  private async connectionIssue(project: ProjectView, connectionId: string): Promise<FieldIssue | null> {
    const issue = { field: 'connectionId', message: 'must be the id of a Redis connection in this project' };
    if (!isResourceId(connectionId)) return issue;
    const response = await this.upstream.call('rotation-config', {
      method: 'GET',
      path: `${REDIS_CONNECTIONS_PATH}/${encodeURIComponent(connectionId)}`,
    });
    return response.status === 200 && projectIdOf(response.body, 'appConnection') === project.id ? null : issue;
  }
}
