import type { IdentityEntity, IdentityRoleEntity, IdentityTokenEntity } from '../database/entities';
import type { Permission } from '../auth/permissions';

export interface RoleView {
  projectId: string;
  permissions: Permission[];
}

export interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface IdentityView {
  id: string;
  name: string;
  isAdmin: boolean;
  roles: RoleView[];
  tokens: TokenView[];
  createdAt: string;
  updatedAt: string;
}

/** A token as it is shown exactly once, when it is issued. */
export interface IssuedToken {
  id: string;
  name: string;
  token: string;
}

export function tokenView(t: IdentityTokenEntity): TokenView {
  return { id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), revokedAt: t.revokedAt?.toISOString() ?? null };
}

export function identityView(i: IdentityEntity, roles: IdentityRoleEntity[], tokens: IdentityTokenEntity[]): IdentityView {
  return {
    id: i.id,
    name: i.name,
    isAdmin: i.isAdmin,
    roles: roles.map((r) => ({ projectId: r.projectId, permissions: [...r.permissions] })),
    tokens: [...tokens].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).map(tokenView),
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}
