import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { InternalTokenGuard } from '@rotor/service-runtime';
import { parseInput } from '@rotor/rotation-domain';
import { GeneratedCredentialsQuery, RotationIdParam, StoredJobsBody } from '../secrets/secret.schemas';
import { GeneratedCredentialsView, GetGeneratedCredentialsQuery } from './queries/get-generated-credentials.query';
import { StoredJobsQuery } from './queries/stored-jobs.query';

/**
 * Behind the gateway's `/api/v2/secret-rotations/redis-credentials/:id/generated-credentials`:
 * both credential slots of a rotation, for callers the gateway allowed to see them. And, for
 * rotation-config, which rotation jobs are stored.
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

  /** Which of `jobIds` this store has stored (rotation-config asks for the jobs it shows in flight). */
  @Post('stored-jobs')
  @HttpCode(200)
  async storedJobs(@Body() body: unknown): Promise<{ storedJobIds: string[] }> {
    const { projectId, jobIds } = parseInput(StoredJobsBody, body, 'ROTATION.INVALID');
    return { storedJobIds: await this.queries.execute(new StoredJobsQuery(projectId, jobIds)) };
  }
}
