import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { HealthController } from '@rotor/service-runtime';
import { RotorError } from '@rotor/util';
import type { AuthenticatedRequest } from './authenticated-identity';
import { IdentityResolver } from './identity-resolver.service';

/** Every route needs `Authorization: Bearer <token>`, except health and metrics. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly identities: IdentityResolver) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Probes and metrics (shared runtime) are open; the OpenAPI routes are not Nest routes at all.
    if (context.getClass() === HealthController) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
    const identity = match ? await this.identities.resolve(match[1] as string) : null;
    if (!identity) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="rotor"');
      throw new RotorError(
        'AUTH.UNAUTHENTICATED',
        match ? 'the bearer token is unknown or revoked' : 'an Authorization: Bearer <token> header is required',
        'unauthorized',
      );
    }
    request.identity = identity;
    return true;
  }
}
