import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Clock, CLOCK, FieldIssue, RotorError } from '@rotor/util';
import { IdentityEntity, IdentityRoleEntity, IdentityTokenEntity, ProjectEntity } from '../database/entities';
import type { Permission } from '../auth/permissions';
import { generateToken, hashToken } from '../auth/bearer-tokens';
import { IdentityResolver } from '../auth/identity-resolver.service';
import { isUuid } from '../projects/ids';
import { VALIDATION_ERROR_CODE } from '../validation/parse-request';
import { AuditRecorder } from '../audit/audit-recorder.service';
import { identityView, IdentityView, IssuedToken, tokenView, TokenView } from './identity.views';

export interface RoleInput {
  projectId: string;
  permissions: readonly Permission[];
}

export interface NewIdentity {
  name: string;
  isAdmin?: boolean;
  roles?: readonly RoleInput[];
}

function identityNotFound(id: string): RotorError {
  return RotorError.notFound('IDENTITY.NOT_FOUND', `identity ${id} not found`);
}

@Injectable()
export class IdentitiesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly resolver: IdentityResolver,
    private readonly audit: AuditRecorder,
  ) {}

  /** Creates the identity and its first token; the token is in the answer and nowhere else. */
  async create(input: NewIdentity, tx?: EntityManager, token = generateToken()): Promise<{ identity: IdentityView; token: IssuedToken }> {
    const run = async (m: EntityManager) => {
      const now = this.clock.now();
      const identity = m.create(IdentityEntity, { id: randomUUID(), name: input.name, isAdmin: input.isAdmin ?? false, createdAt: now, updatedAt: now });
      await m.insert(IdentityEntity, identity);
      await this.writeRoles(m, identity.id, input.roles ?? []);
      const issued = await this.insertToken(m, identity.id, 'initial', token);
      await this.audit.recordChangeIn(m, 201, identity.id);
      return { identity: await this.view(m, identity.id), token: issued };
    };
    return tx ? run(tx) : this.ds.transaction(run);
  }

  async list(): Promise<IdentityView[]> {
    const identities = await this.ds.manager.find(IdentityEntity, { order: { createdAt: 'ASC' } });
    if (identities.length === 0) return [];
    const ids = identities.map((i) => i.id);
    const roles = await this.ds.manager.findBy(IdentityRoleEntity, { identityId: In(ids) });
    const tokens = await this.ds.manager.findBy(IdentityTokenEntity, { identityId: In(ids) });
    return identities.map((i) =>
      identityView(
        i,
        roles.filter((r) => r.identityId === i.id),
        tokens.filter((t) => t.identityId === i.id),
      ),
    );
  }

  async get(id: string): Promise<IdentityView> {
    return this.view(this.ds.manager, id);
  }

  async issueToken(identityId: string, name: string): Promise<IssuedToken> {
    return this.ds.transaction(async (m) => {
      await this.requireIdentity(m, identityId);
      const issued = await this.insertToken(m, identityId, name, generateToken());
      await this.audit.recordChangeIn(m, 201, issued.id);
      return issued;
    });
  }

  /** Takes `token` (e.g. ROTOR_ADMIN_TOKEN) as a token of the identity; no-op if it already is one. */
  async adoptToken(m: EntityManager, identityId: string, name: string, token: string): Promise<boolean> {
    if (await m.findOneBy(IdentityTokenEntity, { tokenHash: hashToken(token) })) return false;
    await this.insertToken(m, identityId, name, token);
    return true;
  }

  async revokeToken(identityId: string, tokenId: string): Promise<TokenView> {
    const notFound = RotorError.notFound('TOKEN.NOT_FOUND', `token ${tokenId} of identity ${identityId} not found`);
    if (!isUuid(identityId) || !isUuid(tokenId)) throw notFound;
    const token = await this.ds.manager.findOneBy(IdentityTokenEntity, { id: tokenId, identityId });
    if (!token) throw notFound;
    if (!token.revokedAt) {
      token.revokedAt = this.clock.now();
      const revokedAt = token.revokedAt;
      await this.ds.transaction(async (m) => {
        await m.update(IdentityTokenEntity, { id: tokenId, revokedAt: IsNull() }, { revokedAt });
        await this.audit.recordChangeIn(m, 200);
      });
      this.resolver.invalidate(); // committed: the next request with it is refused
    }
    return tokenView(token);
  }

  async setRoles(identityId: string, roles: readonly RoleInput[]): Promise<IdentityView> {
    const view = await this.ds.transaction(async (m) => {
      await this.requireIdentity(m, identityId);
      await m.delete(IdentityRoleEntity, { identityId });
      await this.writeRoles(m, identityId, roles);
      await m.update(IdentityEntity, { id: identityId }, { updatedAt: this.clock.now() });
      await this.audit.recordChangeIn(m, 200);
      return this.view(m, identityId);
    });
    this.resolver.invalidate(); // after the commit, so no request caches the old roles again
    return view;
  }

  async delete(identityId: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_LOCK]);
      const identity = await this.requireIdentity(m, identityId);
      if (identity.isAdmin && (await m.countBy(IdentityEntity, { isAdmin: true })) === 1) {
        throw RotorError.conflict('IDENTITY.LAST_ADMIN', 'the last admin identity cannot be deleted');
      }
      await m.delete(IdentityEntity, { id: identityId });
      await this.audit.recordChangeIn(m, 204);
    });
    this.resolver.invalidate();
  }

  private async writeRoles(m: EntityManager, identityId: string, roles: readonly RoleInput[]): Promise<void> {
    const issues: FieldIssue[] = [];
    const seen = new Set<string>();
    for (const [i, role] of roles.entries()) {
      if (seen.has(role.projectId)) issues.push({ field: `roles[${i}].projectId`, message: 'names the same project twice' });
      seen.add(role.projectId);
      if (!isUuid(role.projectId) || !(await m.findOneBy(ProjectEntity, { id: role.projectId }))) {
        issues.push({ field: `roles[${i}].projectId`, message: 'must be the id of an existing project' });
      }
    }
    if (issues.length > 0) throw RotorError.validation(VALIDATION_ERROR_CODE, issues);
    for (const role of roles) {
      await m.insert(IdentityRoleEntity, { identityId, projectId: role.projectId, permissions: [...new Set(role.permissions)] });
    }
  }

  private async insertToken(m: EntityManager, identityId: string, name: string, token: string): Promise<IssuedToken> {
    const id = randomUUID();
    await m.insert(IdentityTokenEntity, { id, identityId, name, tokenHash: hashToken(token), createdAt: this.clock.now(), revokedAt: null });
    return { id, name, token };
  }

  private async requireIdentity(m: EntityManager, id: string): Promise<IdentityEntity> {
    const identity = isUuid(id) ? await m.findOneBy(IdentityEntity, { id }) : null;
    if (!identity) throw identityNotFound(id);
    return identity;
  }

  private async view(m: EntityManager, id: string): Promise<IdentityView> {
    const identity = await this.requireIdentity(m, id);
    const roles = await m.findBy(IdentityRoleEntity, { identityId: id });
    const tokens = await m.findBy(IdentityTokenEntity, { identityId: id });
    return identityView(identity, roles, tokens);
  }
}

/** Serializes the admin bootstrap and last-admin checks across gateway replicas. */
export const ADMIN_LOCK = 72_001_001;
