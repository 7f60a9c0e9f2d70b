import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { InternalTokenGuard, readRequestOrigin } from '@rotor/service-runtime';
import type { Response } from 'express';
import { parseInput } from '@rotor/rotation-domain';
import { optionalQueryString, queryBoolean, queryString } from '../http/query-params';
import { CreateRotationCommand } from './commands/create-rotation.command';
import { DeleteRotationCommand } from './commands/delete-rotation.command';
import { RotateSecretsCommand } from './commands/rotate-secrets.command';
import { UpdateRotationCommand } from './commands/update-rotation.command';
import { GetRotationByNameQuery } from './queries/get-rotation-by-name.query';
import { GetRotationHistoryQuery } from './queries/get-rotation-history.query';
import { GetRotationQuery } from './queries/get-rotation.query';
import { ListRotationsQuery } from './queries/list-rotations.query';
import { CreateRotationBody, UpdateRotationBody } from './rotation.schemas';
import type { RotationHistoryEntry, SecretRotationView } from './rotation.view';

type One = { secretRotation: SecretRotationView };
/** Request headers as Nest hands them to a handler. */
type Headers = Record<string, string | string[] | undefined>;

/**
 * Redis credential rotations, behind the gateway, in the Infisical-compatible API's response shapes.
 * `?projectId=` on the by-id routes scopes the lookup: a rotation of another project is a 404.
 */
@Controller('internal/secret-rotations/redis-credentials')
@UseGuards(InternalTokenGuard)
export class RotationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(200)
  async create(@Body() body: unknown, @Headers() headers: Headers): Promise<One> {
    return { secretRotation: await this.commands.execute(new CreateRotationCommand(parseInput(CreateRotationBody, body), readRequestOrigin(headers))) };
  }

  @Get()
  async list(@Query('projectId') projectId: unknown): Promise<{ secretRotations: SecretRotationView[] }> {
    return { secretRotations: await this.queries.execute(new ListRotationsQuery(queryString(projectId, 'projectId'))) };
  }

  @Get('rotation-name/:name')
  async byName(
    @Param('name') name: string,
    @Query('projectId') projectId: unknown,
    @Query('environment') environment: unknown,
    @Query('secretPath') secretPath: unknown,
  ): Promise<One> {
    const query = new GetRotationByNameQuery(
      queryString(projectId, 'projectId'),
      queryString(environment, 'environment'),
      optionalQueryString(secretPath, 'secretPath') ?? '/',
      name,
    );
    return { secretRotation: await this.queries.execute(query) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query('projectId') projectId: unknown): Promise<One> {
    return { secretRotation: await this.queries.execute(new GetRotationQuery(id, optionalQueryString(projectId, 'projectId'))) };
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Query('projectId') projectId: unknown, @Body() body: unknown, @Headers() headers: Headers): Promise<One> {
    const changes = parseInput(UpdateRotationBody, body);
    const command = new UpdateRotationCommand(id, optionalQueryString(projectId, 'projectId'), changes, readRequestOrigin(headers));
    return { secretRotation: await this.commands.execute(command) };
  }

  @Delete(':id')
  async remove(
    @Param('id') id: string,
    @Query('projectId') projectId: unknown,
    @Query('deleteSecrets') deleteSecrets: unknown,
    @Query('revokeGeneratedCredentials') revoke: unknown,
    @Headers() headers: Headers,
  ): Promise<One> {
    const command = new DeleteRotationCommand(
      id,
      optionalQueryString(projectId, 'projectId'),
      queryBoolean(deleteSecrets, 'deleteSecrets'),
      queryBoolean(revoke, 'revokeGeneratedCredentials'),
      readRequestOrigin(headers),
    );
    return { secretRotation: await this.commands.execute(command) };
  }

  /** 200 with the rotation after its job; 202 when the job is still in flight after the wait. */
  @Post(':id/rotate-secrets')
  async rotate(
    @Param('id') id: string,
    @Query('projectId') projectId: unknown,
    @Headers() headers: Headers,
    @Res({ passthrough: true }) res: Response,
  ): Promise<One & { jobId: string }> {
    const command = new RotateSecretsCommand(id, optionalQueryString(projectId, 'projectId'), readRequestOrigin(headers));
    const outcome = await this.commands.execute(command);
    res.status(outcome.settled ? 200 : 202);
    return { secretRotation: outcome.secretRotation, jobId: outcome.jobId };
  }

  @Get(':id/history')
  async history(@Param('id') id: string, @Query('projectId') projectId: unknown): Promise<{ history: RotationHistoryEntry[] }> {
    return { history: await this.queries.execute(new GetRotationHistoryQuery(id, optionalQueryString(projectId, 'projectId'))) };
  }
}
