import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiQueryFrom } from '../openapi/zod-openapi';
import { relay } from '../upstream/relay';
import { listRotationsQuerySchema, rotationListResponseSchema } from './redis-credentials-rotation.schemas';
import { RedisCredentialsRotationsService } from './redis-credentials-rotations.service';

/**
 * Every rotation of a project, whatever its type, as the Infisical-compatible API lists them
 * (`{ secretRotations: [...] }`, each item the object the per-type routes answer). Redis
 * credentials are the only type Rotor rotates, so this is that type's list; a second type
 * adds its list here.
 */
@ApiTags('Secret rotations')
@Controller('api/v2/secret-rotations')
export class SecretRotationsController {
  constructor(private readonly redisCredentials: RedisCredentialsRotationsService) {}

  @Get()
  @ApiOperation({ summary: 'List every rotation of a project, whatever its type (permission: read)' })
  @ApiQueryFrom(listRotationsQuerySchema)
  @ApiAnswers(200, 'The rotations, each as its per-type route answers it', rotationListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return relay(res, await this.redisCredentials.list(identity, query));
  }
}
