import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiQueryFrom } from '../openapi/zod-openapi';
import { relay } from '../upstream/relay';
import { connectionListResponseSchema, listConnectionsQuerySchema } from './redis-connection.schemas';
import { RedisConnectionsService } from './redis-connections.service';

/**
 * Every app connection of a project, whatever its app, as the Infisical-compatible API lists
 * them (`{ appConnections: [...] }`, each item the object the per-app routes answer). Redis is
 * the only app Rotor connects to, so this is that app's list.
 */
@ApiTags('App connections')
@Controller('api/v1/app-connections')
export class AppConnectionsController {
  constructor(private readonly redis: RedisConnectionsService) {}

  @Get()
  @ApiOperation({ summary: 'List every app connection of a project, whatever its app (permission: read)' })
  @ApiQueryFrom(listConnectionsQuerySchema)
  @ApiAnswers(200, 'The connections, each as its per-app route answers it (no passwords)', connectionListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.redis.list(identity, query));
  }
}
