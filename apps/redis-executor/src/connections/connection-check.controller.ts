import { Body, Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { parseInput } from '@rotor/rotation-domain';
import { ErrorBody, InternalTokenGuard } from '@rotor/service-runtime';
import type { Response } from 'express';
import { ROTATION_PROVIDERS, RedisConnectionCheckSchema, RotationProviderError, RotationProviders } from '../providers';

/**
 * The gateway's connection check: can Rotor reach this Redis deployment with these admin
 * credentials and manage ACL users on every node? Changes nothing.
 *   200 { status: 'ok' }
 *   400 REQUEST… / CONNECTION.INVALID: the body is not a connection (fields named)
 *   422 { error: 'CONNECTION.<UNREACHABLE|TLS|AUTH|PERMISSION|DISCOVERY_FAILED|…>', message }
 */
@ApiExcludeController()
@Controller('internal/connections')
@UseGuards(InternalTokenGuard)
export class ConnectionCheckController {
  constructor(@Inject(ROTATION_PROVIDERS) private readonly providers: RotationProviders) {}

  @Post('check')
  @HttpCode(200)
  async check(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' } | ErrorBody> {
    const { projectId, ...connection } = parseInput(RedisConnectionCheckSchema, body, 'CONNECTION.INVALID');
    try {
      await this.providers['redis-credentials'].verify({ projectId, connectionId: connection.connectionId, connection });
      return { status: 'ok' };
    } catch (e) {
      if (!(e instanceof RotationProviderError)) throw e;
      res.status(422);
      return { statusCode: 422, error: e.code, message: e.message, details: [] };
    }
  }
}
