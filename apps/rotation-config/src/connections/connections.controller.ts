import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { InternalTokenGuard } from '@rotor/service-runtime';
import { optionalQueryString, queryString } from '../http/query-params';
import { parseInput } from '@rotor/rotation-domain';
import { CreateConnectionCommand } from './commands/create-connection.command';
import { DeleteConnectionCommand } from './commands/delete-connection.command';
import { UpdateConnectionCommand } from './commands/update-connection.command';
import { CreateConnectionBody, UpdateConnectionBody } from './connection.schemas';
import type { AppConnectionView, ConnectionAnswer } from './connection.types';
import { GetConnectionQuery } from './queries/get-connection.query';
import { ListConnectionsQuery } from './queries/list-connections.query';

/**
 * Redis connections, behind the gateway (which authenticated and authorized the caller).
 * `?projectId=` on the by-id routes scopes the lookup: a connection of another project is a 404.
 */
@Controller('internal/app-connections/redis')
@UseGuards(InternalTokenGuard)
export class ConnectionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  async create(@Body() body: unknown): Promise<ConnectionAnswer> {
    return this.commands.execute(new CreateConnectionCommand(parseInput(CreateConnectionBody, body)));
  }

  @Get()
  async list(@Query('projectId') projectId: unknown): Promise<{ appConnections: AppConnectionView[] }> {
    return { appConnections: await this.queries.execute(new ListConnectionsQuery(queryString(projectId, 'projectId'))) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query('projectId') projectId: unknown): Promise<{ appConnection: AppConnectionView }> {
    return { appConnection: await this.queries.execute(new GetConnectionQuery(id, optionalQueryString(projectId, 'projectId'))) };
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Query('projectId') projectId: unknown, @Body() body: unknown): Promise<ConnectionAnswer> {
    const changes = parseInput(UpdateConnectionBody, body);
    return this.commands.execute(new UpdateConnectionCommand(id, optionalQueryString(projectId, 'projectId'), changes));
  }

  @Delete(':id')
  async remove(@Param('id') id: string, @Query('projectId') projectId: unknown): Promise<{ appConnection: AppConnectionView }> {
    return { appConnection: await this.commands.execute(new DeleteConnectionCommand(id, optionalQueryString(projectId, 'projectId'))) };
  }
}
