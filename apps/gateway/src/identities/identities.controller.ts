import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessService } from '../auth/access.service';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiIdParam, ApiJsonBody } from '../openapi/zod-openapi';
import { parseOrThrow } from '../validation/parse-request';
import {
  createIdentitySchema,
  identityListResponseSchema,
  identityResponseSchema,
  identityWithTokenResponseSchema,
  issueTokenSchema,
  revokedTokenResponseSchema,
  setRolesSchema,
  tokenResponseSchema,
} from './identities.schemas';
import { IdentitiesService } from './identities.service';

/** Machine identities and their tokens. All but `me` are for admins. */
@ApiTags('Identities')
@Controller('api/v1/identities')
export class IdentitiesController {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly access: AccessService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a machine identity with project roles and a first token (admin only)', description: 'The token is in this answer only.' })
  @ApiJsonBody(createIdentitySchema)
  @ApiAnswers(201, 'The identity and its token', identityWithTokenResponseSchema)
  async create(@CurrentIdentity() caller: AuthenticatedIdentity, @Body() body: unknown) {
    this.access.requireAdmin(caller);
    return this.identities.create(parseOrThrow(createIdentitySchema, body));
  }

  @Get()
  @ApiOperation({ summary: 'List identities (admin only)' })
  @ApiAnswers(200, 'The identities', identityListResponseSchema)
  async list(@CurrentIdentity() caller: AuthenticatedIdentity) {
    this.access.requireAdmin(caller);
    return { identities: await this.identities.list() };
  }

  @Get('me')
  @ApiOperation({ summary: 'The identity of the bearer token' })
  @ApiAnswers(200, 'The caller', identityResponseSchema)
  async me(@CurrentIdentity() caller: AuthenticatedIdentity) {
    return { identity: await this.identities.get(caller.id) };
  }

  @Get(':identityId')
  @ApiOperation({ summary: 'Get an identity (admin only)' })
  @ApiIdParam('identityId', 'Identity id')
  @ApiAnswers(200, 'The identity', identityResponseSchema)
  async get(@CurrentIdentity() caller: AuthenticatedIdentity, @Param('identityId') identityId: string) {
    this.access.requireAdmin(caller);
    return { identity: await this.identities.get(identityId) };
  }

  @Put(':identityId/roles')
  @ApiOperation({ summary: 'Replace the project roles of an identity (admin only)' })
  @ApiIdParam('identityId', 'Identity id')
  @ApiJsonBody(setRolesSchema)
  @ApiAnswers(200, 'The identity', identityResponseSchema)
  async setRoles(@CurrentIdentity() caller: AuthenticatedIdentity, @Param('identityId') identityId: string, @Body() body: unknown) {
    this.access.requireAdmin(caller);
    return { identity: await this.identities.setRoles(identityId, parseOrThrow(setRolesSchema, body).roles) };
  }

  @Post(':identityId/tokens')
  @ApiOperation({ summary: 'Issue another token for an identity (admin only)', description: 'The token is in this answer only.' })
  @ApiIdParam('identityId', 'Identity id')
  @ApiJsonBody(issueTokenSchema)
  @ApiAnswers(201, 'The token', tokenResponseSchema)
  async issueToken(@CurrentIdentity() caller: AuthenticatedIdentity, @Param('identityId') identityId: string, @Body() body: unknown) {
    this.access.requireAdmin(caller);
    const { name } = parseOrThrow(issueTokenSchema, body ?? {});
    return { token: await this.identities.issueToken(identityId, name ?? '') };
  }

  @Delete(':identityId/tokens/:tokenId')
  @ApiOperation({ summary: 'Revoke a token (admin only)' })
  @ApiIdParam('identityId', 'Identity id')
  @ApiIdParam('tokenId', 'Token id')
  @ApiAnswers(200, 'The revoked token', revokedTokenResponseSchema)
  async revokeToken(@CurrentIdentity() caller: AuthenticatedIdentity, @Param('identityId') identityId: string, @Param('tokenId') tokenId: string) {
    this.access.requireAdmin(caller);
    return { token: await this.identities.revokeToken(identityId, tokenId) };
  }

  @Delete(':identityId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an identity and its tokens (admin only; not the last admin)' })
  @ApiIdParam('identityId', 'Identity id')
  @ApiAnswers(204, 'Deleted')
  async delete(@CurrentIdentity() caller: AuthenticatedIdentity, @Param('identityId') identityId: string): Promise<void> {
    this.access.requireAdmin(caller);
    await this.identities.delete(identityId);
  }
}
