import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { RotorError } from '@rotor/util';
import type { Response } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import type { AuthenticatedRequest } from '../authenticated-identity';
import { TokenBuckets } from './token-bucket';

/** Runs after BearerAuthGuard: limits each identity; unauthenticated (public) routes are not limited. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.buckets = new TokenBuckets(config.rateLimit.burst, config.rateLimit.perSecond);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const identity = http.getRequest<AuthenticatedRequest>().identity;
    if (!identity) return true;
    const retryAfter = this.buckets.take(identity.id);
    if (retryAfter === 0) return true;
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new RotorError('RATE_LIMIT.EXCEEDED', `rate limit exceeded for identity ${identity.id}; retry after ${retryAfter} s`, 'rate-limited');
  }
}
