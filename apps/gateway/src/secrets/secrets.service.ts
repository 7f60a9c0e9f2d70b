import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { FieldIssue } from '@rotor/util';
import { AccessService } from '../auth/access.service';
import type { AuthenticatedIdentity } from '../auth/authenticated-identity';
import type { Permission } from '../auth/permissions';
import { LocationService } from '../projects/location.service';
import { ProjectView } from '../projects/project.views';
import { InternalHttpClient, UpstreamResponse } from '../upstream/internal-http.client';
import { assertNoIssues, parseRequest } from '../validation/parse-request';
import {
  createSecretSchema,
  deleteSecretQuerySchema,
  getSecretQuerySchema,
  listSecretsQuerySchema,
  secretNameParamSchema,
  updateSecretSchema,
} from './secrets.schemas';

export const SECRETS_PATH = '/internal/secrets/raw';

type Located = { projectId: string; environment: string; secretPath: string };

/**
 * Authorizes and validates secret requests and forwards them to the secret-store with the
 * same location fields (projectId, environment slug, normalized secretPath).
 */
@Injectable()
export class SecretsService {
  constructor(
    private readonly upstream: InternalHttpClient,
    private readonly access: AccessService,
    private readonly locations: LocationService,
  ) {}

  async list(identity: AuthenticatedIdentity, query: unknown): Promise<UpstreamResponse> {
    const { data } = await this.validate(identity, listSecretsQuerySchema, query, 'query', 'read-secrets');
    return this.upstream.call('secret-store', { method: 'GET', path: SECRETS_PATH, query: where(data) });
  }

  async get(identity: AuthenticatedIdentity, name: string, query: unknown): Promise<UpstreamResponse> {
    const { data } = await this.validate(identity, getSecretQuerySchema, query, 'query', 'read-secrets', name);
    return this.upstream.call('secret-store', { method: 'GET', path: secretPath(name), query: { ...where(data), version: data.version } });
  }

  async create(identity: AuthenticatedIdentity, name: string, body: unknown): Promise<UpstreamResponse> {
    const { data, project } = await this.validate(identity, createSecretSchema, body, 'body', 'create', name);
    await this.locations.forWrite(project, data.environment, data.secretPath);
    return this.upstream.call('secret-store', { method: 'POST', path: secretPath(name), body: { ...where(data), secretValue: data.secretValue } });
  }

  async update(identity: AuthenticatedIdentity, name: string, body: unknown): Promise<UpstreamResponse> {
    const { data } = await this.validate(identity, updateSecretSchema, body, 'body', 'edit', name);
    return this.upstream.call('secret-store', { method: 'PATCH', path: secretPath(name), body: { ...where(data), secretValue: data.secretValue } });
  }

  /** The location comes in the query, or in a JSON body as Infisical-style clients send it. */
  async delete(identity: AuthenticatedIdentity, name: string, query: unknown, body: unknown): Promise<UpstreamResponse> {
    const inBody = typeof body === 'object' && body !== null && Object.keys(body).length > 0;
    const { data } = await this.validate(identity, deleteSecretQuerySchema, inBody ? body : query, inBody ? 'body' : 'query', 'delete', name);
    return this.upstream.call('secret-store', { method: 'DELETE', path: secretPath(name), query: where(data) });
  }

  /** Shape, then project access (404/403), then the environment of that project; one 400 for all bad fields. */
  private async validate<S extends z.ZodType<Located>>(
    identity: AuthenticatedIdentity,
    schema: S,
    input: unknown,
    root: 'body' | 'query',
    permission: Permission,
    secretName?: string,
  ): Promise<{ data: z.output<S>; project: ProjectView }> {
    const parsed = parseRequest(schema, input, root);
    const issues: FieldIssue[] = [...parsed.issues];
    if (secretName !== undefined) {
      const nameCheck = parseRequest(secretNameParamSchema, secretName);
      if (!nameCheck.ok) issues.push(...nameCheck.issues.map((i) => ({ ...i, field: 'secretName' })));
    }
    const projectId = (input as Record<string, unknown> | null | undefined)?.['projectId'];
    if (typeof projectId !== 'string') assertNoIssues(issues);
    const project = await this.access.requireProject(identity, projectId as string, permission);
    const envIssue = this.locations.environmentIssue(project, (input as Record<string, unknown>)['environment']);
    if (envIssue) issues.push(envIssue);
    assertNoIssues(issues);
    return { data: parsed.data as z.output<S>, project };
  }
}

function where(data: Located): Located {
  return { projectId: data.projectId, environment: data.environment, secretPath: data.secretPath };
}

function secretPath(name: string): string {
  return `${SECRETS_PATH}/${encodeURIComponent(name)}`;
}
