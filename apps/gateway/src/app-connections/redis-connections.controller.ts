import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiIdParam, ApiJsonBody, ApiQueryFrom } from '../openapi/zod-openapi';
import { relay } from '../upstream/relay';
import {
  connectionListResponseSchema,
  connectionResponseSchema,
  createRedisConnectionSchema,
  listConnectionsQuerySchema,
  updateRedisConnectionSchema,
} from './redis-connection.schemas';
import { RedisConnectionsService } from './redis-connections.service';

@ApiTags('App connections: Redis')
@Controller('api/v1/app-connections/redis')
export class RedisConnectionsController {
  constructor(private readonly connections: RedisConnectionsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a Redis connection (permission: create)', description: 'The connection is checked for real; passwords are write-only.' })
  @ApiJsonBody(createRedisConnectionSchema)
  @ApiAnswers(200, 'The connection, without passwords', connectionResponseSchema)
  async create(@CurrentIdentity() identity: AuthenticatedIdentity, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.connections.create(identity, body));
  }

  @Get()
  @ApiOperation({ summary: 'List the Redis connections of a project (permission: read)' })
  @ApiQueryFrom(listConnectionsQuerySchema)
  @ApiAnswers(200, 'The connections', connectionListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.connections.list(identity, query));
  }

  @Get(':connectionId')
  @ApiOperation({ summary: 'Get a Redis connection (permission: read)' })
  @ApiIdParam('connectionId', 'Connection id')
  @ApiAnswers(200, 'The connection', connectionResponseSchema)
  async get(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('connectionId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.connections.get(identity, id));
  }

  @Patch(':connectionId')
  @ApiOperation({ summary: 'Update a Redis connection (permission: edit)' })
  @ApiIdParam('connectionId', 'Connection id')
  @ApiJsonBody(updateRedisConnectionSchema)
  @ApiAnswers(200, 'The connection', connectionResponseSchema)
  async update(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('connectionId') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.connections.update(identity, id, body));
  }

  @Delete(':connectionId')
  @ApiOperation({ summary: 'Delete a Redis connection (permission: delete)', description: '409 naming the rotations that still use it.' })
  @ApiIdParam('connectionId', 'Connection id')
  @ApiAnswers(200, 'The deleted connection', connectionResponseSchema)
  async delete(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('connectionId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.connections.delete(identity, id));
  }
}
