import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessService } from '../auth/access.service';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiIdParam, ApiJsonBody, ApiQueryFrom } from '../openapi/zod-openapi';
import { assertNoIssues, parseOrThrow } from '../validation/parse-request';
import { FoldersService } from './folders.service';
import { LocationService } from './location.service';
import { ProjectView } from './project.views';
import {
  createProjectSchema,
  environmentInputSchema,
  folderListResponseSchema,
  listFoldersQuerySchema,
  projectListResponseSchema,
  projectResponseSchema,
} from './projects.schemas';
import { ProjectsService } from './projects.service';

@ApiTags('Projects')
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly folders: FoldersService,
    private readonly access: AccessService,
    private readonly locations: LocationService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a project (admin only)', description: 'With dev, staging and prod environments unless others are given.' })
  @ApiJsonBody(createProjectSchema)
  @ApiAnswers(201, 'The project', projectResponseSchema)
  async create(@CurrentIdentity() identity: AuthenticatedIdentity, @Body() body: unknown): Promise<{ project: ProjectView }> {
    this.access.requireAdmin(identity);
    return { project: await this.projects.create(parseOrThrow(createProjectSchema, body)) };
  }

  @Get()
  @ApiOperation({ summary: 'List the projects the identity has a role in (all of them for an admin)' })
  @ApiAnswers(200, 'The projects', projectListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity): Promise<{ projects: ProjectView[] }> {
    return { projects: await this.projects.list(this.access.visibleProjectIds(identity)) };
  }

  @Get(':projectId')
  @ApiOperation({ summary: 'Get a project with its environments' })
  @ApiIdParam('projectId', 'Project id')
  @ApiAnswers(200, 'The project', projectResponseSchema)
  async get(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('projectId') projectId: string): Promise<{ project: ProjectView }> {
    return { project: await this.access.requireProject(identity, projectId, 'read') };
  }

  @Post(':projectId/environments')
  @ApiOperation({ summary: 'Add an environment to a project (admin only)' })
  @ApiIdParam('projectId', 'Project id')
  @ApiJsonBody(environmentInputSchema)
  @ApiAnswers(201, 'The project with the new environment', projectResponseSchema)
  async addEnvironment(
    @CurrentIdentity() identity: AuthenticatedIdentity,
    @Param('projectId') projectId: string,
    @Body() body: unknown,
  ): Promise<{ project: ProjectView }> {
    const project = await this.access.requireProject(identity, projectId, 'read');
    this.access.requireAdmin(identity);
    return { project: await this.projects.addEnvironment(project.id, parseOrThrow(environmentInputSchema, body)) };
  }

  @Get(':projectId/folders')
  @ApiOperation({ summary: 'List the folders (secret paths) of a project', description: 'Folders are created when a rotation or secret is first written at a path.' })
  @ApiIdParam('projectId', 'Project id')
  @ApiQueryFrom(listFoldersQuerySchema)
  @ApiAnswers(200, 'The folders', folderListResponseSchema)
  async listFolders(@CurrentIdentity() identity: AuthenticatedIdentity, @Param('projectId') projectId: string, @Query() query: unknown) {
    const project = await this.access.requireProject(identity, projectId, 'read');
    const { environment } = parseOrThrow(listFoldersQuerySchema, query, 'query');
    const issue = this.locations.environmentIssue(project, environment);
    if (issue) assertNoIssues([issue]);
    const env = project.environments.find((e) => e.slug === environment);
    const folders = await this.folders.list(project.id, env?.id);
    return {
      folders: folders.map((f) => ({ id: f.id, path: f.path, environment: project.environments.find((e) => e.id === f.environmentId) })),
    };
  }
}
