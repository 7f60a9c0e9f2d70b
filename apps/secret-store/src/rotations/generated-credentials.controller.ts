import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { InternalTokenGuard } from '@rotor/service-runtime';
import { parseInput } from '../http/parse-input';
import { GeneratedCredentialsQuery, RotationIdParam } from '../secrets/secret.schemas';
import { GeneratedCredentialsView, GetGeneratedCredentialsQuery } from './queries/get-generated-credentials.query';

/**
 * Behind the gateway's `/api/v2/secret-rotations/redis-credentials/:id/generated-credentials`:
 * both credential slots of a rotation, for callers the gateway allowed to see them.
 */
@Controller('internal/rotations')
@UseGuards(InternalTokenGuard)
export class GeneratedCredentialsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/generated-credentials')
  get(@Param() params: unknown, @Query() query: unknown): Promise<GeneratedCredentialsView> {
    const { id } = parseInput(RotationIdParam, params, 'ROTATION.INVALID');
    const { projectId } = parseInput(GeneratedCredentialsQuery, query, 'ROTATION.INVALID');
    return this.queries.execute(new GetGeneratedCredentialsQuery(projectId, id));
  }
}
