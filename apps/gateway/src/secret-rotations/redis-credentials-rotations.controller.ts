import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiIdParam, ApiJsonBody, ApiQueryFrom, errorBodySchema, openApiSchema } from '../openapi/zod-openapi';
import { relay } from '../upstream/relay';
import {
  createRotationSchema,
  deleteRotationQuerySchema,
  generatedCredentialsResponseSchema,
  historyResponseSchema,
  listRotationsQuerySchema,
  rotateResponseSchema,
  rotationByNameQuerySchema,
  rotationListResponseSchema,
  rotationResponseSchema,
  updateRotationSchema,
} from './redis-credentials-rotation.schemas';
import { RedisCredentialsRotationsService } from './redis-credentials-rotations.service';

@ApiTags('Secret rotations: Redis credentials')
@Controller('api/v2/secret-rotations/redis-credentials')
export class RedisCredentialsRotationsController {
  constructor(private readonly rotations: RedisCredentialsRotationsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a Redis credentials rotation (permission: create)',
    description: 'Issues the first credential set before answering, so the mapped secrets are readable when this returns.',
  })
  @ApiJsonBody(createRotationSchema)
  @ApiAnswers(200, 'The rotation (the Infisical-compatible response shape)', rotationResponseSchema)
  async create(@CurrentIdentity() identity: AuthenticatedIdentity, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.rotations.create(identity, body));
  }

  @Get()
  @ApiOperation({ summary: 'List the Redis credentials rotations of a project (permission: read)' })
  @ApiQueryFrom(listRotationsQuerySchema)
  @ApiAnswers(200, 'The rotations', rotationListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.rotations.list(identity, query));
  }

  // Declared before ':rotationId' routes so that "rotation-name" is never taken for an id.
  @Get('rotation-name/:rotationName')
  @ApiOperation({ summary: 'Get a rotation by name in a project, environment and path (permission: read)' })
  @ApiIdParam('rotationName', 'Rotation name (slug)')
  @ApiQueryFrom(rotationByNameQuerySchema)
  @ApiAnswers(200, 'The rotation', rotationResponseSchema)
  async getByName(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('rotationName') name: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.rotations.getByName(identity, name, query));
  }

  @Get(':rotationId')
  @ApiOperation({ summary: 'Get a rotation (permission: read)' })
  @ApiIdParam('rotationId', 'Rotation id')
  @ApiAnswers(200, 'The rotation', rotationResponseSchema)
  async get(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('rotationId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.rotations.get(identity, id));
  }

  @Patch(':rotationId')
  @ApiOperation({ summary: 'Update a rotation (permission: edit)', description: 'Scope and password changes apply from the next rotation.' })
  @ApiIdParam('rotationId', 'Rotation id')
  @ApiJsonBody(updateRotationSchema)
  @ApiAnswers(200, 'The rotation', rotationResponseSchema)
  async update(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('rotationId') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.rotations.update(identity, id, body));
  }

  @Delete(':rotationId')
  @ApiOperation({ summary: 'Delete a rotation (permission: delete)' })
  @ApiIdParam('rotationId', 'Rotation id')
  @ApiQueryFrom(deleteRotationQuerySchema)
  @ApiAnswers(200, 'The deleted rotation', rotationResponseSchema)
  async delete(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('rotationId') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.rotations.delete(identity, id, query));
  }

  @Post(':rotationId/rotate-secrets')
  @ApiOperation({
    summary: 'Rotate now (permission: rotate)',
    description:
      'Waits (bounded, 20 s by default) for the rotation job to complete or fail, and answers 200 with the rotation in its new state: ' +
      '`activeIndex`, `lastRotatedAt`, `rotationStatus` and `lastRotationMessage` reflect the job. When the job is still in flight ' +
      'after the wait, answers 202 with the rotation (`isRotationInFlight: true`, `inFlightJobId`) and the job id: follow it with ' +
      'GET. 409 ROTATION.IN_FLIGHT while another job of this rotation is in flight; never once the mapped secrets already hold ' +
      "that job's credential.",
  })
  @ApiIdParam('rotationId', 'Rotation id')
  @ApiAnswers(200, 'The job completed or failed: the rotation after it, and the job id', rotateResponseSchema)
  @ApiResponse({ status: 202, description: 'The job is still in flight after the wait: the rotation as it stands, and the job id', schema: openApiSchema(rotateResponseSchema) })
  @ApiResponse({ status: 409, description: 'Another rotation job is in flight: ROTATION.IN_FLIGHT.', schema: openApiSchema(errorBodySchema) })
  async rotate(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('rotationId') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.rotations.rotate(identity, id, body));
  }

  @Get(':rotationId/generated-credentials')
  @ApiOperation({ summary: 'Both generated credential sets and the active index (permission: read-generated-credentials)' })
  @ApiIdParam('rotationId', 'Rotation id')
  @ApiAnswers(200, 'The generated credentials', generatedCredentialsResponseSchema)
  async generatedCredentials(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('rotationId') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    return relay(res, await this.rotations.generatedCredentials(identity, id));
  }

  @Get(':rotationId/history')
  @ApiOperation({ summary: "The rotation's events (requested, rotated, failed, updated…) with times and job ids, no secrets (permission: read)" })
  @ApiIdParam('rotationId', 'Rotation id')
  @ApiAnswers(200, 'The history', historyResponseSchema)
  async history(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('rotationId') id: string, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.rotations.history(identity, id));
  }
}
