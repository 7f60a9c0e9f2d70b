import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiIdParam, ApiJsonBody, ApiQueryFrom } from '../openapi/zod-openapi';
import { relay } from '../upstream/relay';
import {
  createSecretSchema,
  deleteSecretQuerySchema,
  getSecretQuerySchema,
  listSecretsQuerySchema,
  secretListResponseSchema,
  secretResponseSchema,
  updateSecretSchema,
} from './secrets.schemas';
import { SecretsService } from './secrets.service';

@ApiTags('Secrets')
@Controller('api/v3/secrets/raw')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  @ApiOperation({ summary: 'List the secrets of a folder, with values (permission: read-secrets)' })
  @ApiQueryFrom(listSecretsQuerySchema)
  @ApiAnswers(200, 'The secrets', secretListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.secrets.list(identity, query));
  }

  @Get(':secretName')
  @ApiOperation({ summary: 'Get one secret, latest or a given version (permission: read-secrets)' })
  @ApiIdParam('secretName', 'Secret name')
  @ApiQueryFrom(getSecretQuerySchema)
  @ApiAnswers(200, 'The secret', secretResponseSchema)
  async get(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('secretName') name: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.secrets.get(identity, name, query));
  }

  @Post(':secretName')
  @ApiOperation({ summary: 'Create a secret (permission: create)' })
  @ApiIdParam('secretName', 'Secret name')
  @ApiJsonBody(createSecretSchema)
  @ApiAnswers(200, 'The secret', secretResponseSchema)
  async create(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('secretName') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.secrets.create(identity, name, body));
  }

  @Patch(':secretName')
  @ApiOperation({ summary: 'Write a new version of a secret (permission: edit)', description: '409 for secrets a rotation maintains.' })
  @ApiIdParam('secretName', 'Secret name')
  @ApiJsonBody(updateSecretSchema)
  @ApiAnswers(200, 'The secret', secretResponseSchema)
  async update(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('secretName') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.secrets.update(identity, name, body));
  }

  @Delete(':secretName')
  @ApiOperation({
    summary: 'Delete a secret (permission: delete)',
    description: 'The location goes in the query, or (as Infisical-style clients send it) in a JSON body with the same fields. 409 for secrets a rotation maintains.',
  })
  @ApiIdParam('secretName', 'Secret name')
  @ApiQueryFrom(deleteSecretQuerySchema)
  @ApiAnswers(200, 'The deleted secret (without its value)', secretResponseSchema)
  async delete(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('secretName') name: string,
    @Query() query: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.secrets.delete(identity, name, query, body));
  }
}
