import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Permission } from './permissions';

/** The caller, as the bearer token resolved it for this request. */
export interface AuthenticatedIdentity {
  id: string;
  name: string;
  isAdmin: boolean;
  tokenId: string;
  /** projectId → permissions in it. An admin holds every permission everywhere. */
  roles: ReadonlyMap<string, ReadonlySet<Permission>>;
}

export type AuthenticatedRequest = Request & { identity?: AuthenticatedIdentity };

export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedIdentity => {
  const identity = ctx.switchToHttp().getRequest<AuthenticatedRequest>().identity;
  if (!identity) throw new Error('CurrentIdentity used on a route that is not authenticated');
  return identity;
});
