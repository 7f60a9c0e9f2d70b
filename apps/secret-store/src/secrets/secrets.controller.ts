import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { InternalTokenGuard } from '@rotor/service-runtime';
import { parseInput } from '@rotor/rotation-domain';
import { CreateSecretCommand } from './commands/create-secret.command';
import { DeleteSecretCommand } from './commands/delete-secret.command';
import { UpdateSecretCommand } from './commands/update-secret.command';
import { GetSecretQuery } from './queries/get-secret.query';
import { ListSecretKeysQuery, SecretKeyView } from './queries/list-secret-keys.query';
import { ListSecretsQuery } from './queries/list-secrets.query';
import { FolderQuery, SecretNameParam, SecretQuery, WriteSecretBody } from './secret.schemas';
import { SecretView } from './secret.view';

/**
 * The raw-secrets API behind the gateway (`/api/v3/secrets/raw…`), which has already checked
 * that the caller may act on `projectId`. Every lookup is scoped by project, so a secret of
 * another project is simply not found.
 */
@Controller('internal/secrets/raw')
@UseGuards(InternalTokenGuard)
export class SecretsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  async list(@Query() query: unknown): Promise<{ secrets: SecretView[] }> {
    const folder = parseInput(FolderQuery, query, 'SECRET.INVALID');
    return { secrets: await this.queries.execute(new ListSecretsQuery(folder)) };
  }

  @Get(':secretName')
  async get(@Param() params: unknown, @Query() query: unknown): Promise<{ secret: SecretView }> {
    const { secretName } = parseInput(SecretNameParam, params, 'SECRET.INVALID');
    const { version, ...folder } = parseInput(SecretQuery, query, 'SECRET.INVALID');
    return { secret: await this.queries.execute(new GetSecretQuery({ ...folder, secretKey: secretName }, version)) };
  }

  @Post(':secretName')
  @HttpCode(200)
  async create(@Param() params: unknown, @Body() body: unknown): Promise<{ secret: SecretView }> {
    const { secretName } = parseInput(SecretNameParam, params, 'SECRET.INVALID');
    const { secretValue, ...folder } = parseInput(WriteSecretBody, body, 'SECRET.INVALID');
    return { secret: await this.commands.execute(new CreateSecretCommand({ ...folder, secretKey: secretName }, secretValue)) };
  }

  @Patch(':secretName')
  async update(@Param() params: unknown, @Body() body: unknown): Promise<{ secret: SecretView }> {
    const { secretName } = parseInput(SecretNameParam, params, 'SECRET.INVALID');
    const { secretValue, ...folder } = parseInput(WriteSecretBody, body, 'SECRET.INVALID');
    return { secret: await this.commands.execute(new UpdateSecretCommand({ ...folder, secretKey: secretName }, secretValue)) };
  }

  /** The folder comes in the body (as the Infisical-compatible API sends it) or, for clients that cannot, the query. */
  @Delete(':secretName')
  async remove(@Param() params: unknown, @Body() body: unknown, @Query() query: unknown): Promise<{ secret: Omit<SecretView, 'secretValue'> }> {
    const { secretName } = parseInput(SecretNameParam, params, 'SECRET.INVALID');
    const hasBody = typeof body === 'object' && body !== null && Object.keys(body).length > 0;
    const folder = parseInput(FolderQuery, hasBody ? body : query, 'SECRET.INVALID');
    return { secret: await this.commands.execute(new DeleteSecretCommand({ ...folder, secretKey: secretName })) };
  }
}

/** The keys of a folder's secrets and the rotation managing each, never a value (rotation-config checks a mapping with it). */
@Controller('internal/secrets/keys')
@UseGuards(InternalTokenGuard)
export class SecretKeysController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  async list(@Query() query: unknown): Promise<{ secrets: SecretKeyView[] }> {
    const folder = parseInput(FolderQuery, query, 'SECRET.INVALID');
    return { secrets: await this.queries.execute(new ListSecretKeysQuery(folder)) };
  }
}
