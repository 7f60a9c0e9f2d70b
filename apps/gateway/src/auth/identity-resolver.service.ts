import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import type { AuthenticatedIdentity } from './authenticated-identity';
import type { Permission } from './permissions';
import { hashToken } from './bearer-tokens';
import { TtlCache } from './ttl-cache';

interface Row {
  token_id: string;
  identity_id: string;
  name: string;
  is_admin: boolean;
  project_id: string | null;
  permissions: Permission[] | null;
}

/**
 * Bearer token → identity with its roles, in one query; null for an unknown or revoked token.
 * Found identities are reused for `authCacheMs`; IdentitiesService invalidates on every change.
 */
@Injectable()
export class IdentityResolver {
  private readonly cache: TtlCache<AuthenticatedIdentity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.cache = new TtlCache(config.authCacheMs);
  }

  resolve(token: string): Promise<AuthenticatedIdentity | null> {
    const hash = hashToken(token);
    return this.cache.getOrLoad(hash, () => this.load(hash));
  }

  /** After any change to identities, tokens or roles. */
  invalidate(): void {
    this.cache.invalidate();
  }

  private async load(tokenHash: string): Promise<AuthenticatedIdentity | null> {
    const rows: Row[] = await this.ds.query(
      `SELECT t.id AS token_id, i.id AS identity_id, i.name, i.is_admin, r.project_id, r.permissions
         FROM identity_tokens t
         JOIN identities i ON i.id = t.identity_id
         LEFT JOIN identity_roles r ON r.identity_id = i.id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [tokenHash],
    );
    const first = rows[0];
    if (!first) return null;
    const roles = new Map<string, ReadonlySet<Permission>>();
    for (const row of rows) {
      if (row.project_id) roles.set(row.project_id, new Set(row.permissions ?? []));
    }
    return { id: first.identity_id, name: first.name, isAdmin: first.is_admin, tokenId: first.token_id, roles };
  }
}
