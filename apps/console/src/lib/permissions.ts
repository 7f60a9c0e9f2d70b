import type { Identity } from '@rotor/api-client';

export type Permission = Identity['identity']['roles'][number]['permissions'][number];

/** What an action needs, said the way a disabled button explains itself. */
export interface Allowance {
  allowed: boolean;
  /** Why not, when not allowed. */
  reason?: string;
}

/** The identity's permissions in a project (an admin has every one). The server still enforces them. */
export function can(me: Identity['identity'] | undefined, projectId: string, permission: Permission): Allowance {
  if (!me) return { allowed: false, reason: 'Sign in first' };
  if (me.isAdmin) return { allowed: true };
  const role = me.roles.find((r) => r.projectId === projectId);
  if (role?.permissions.includes(permission)) return { allowed: true };
  return { allowed: false, reason: `Needs the ${permission} permission in this project` };
}
