import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { Clock, CLOCK, RotorError } from '@rotor/util';
import { EnvironmentEntity, ProjectEntity } from '../database/entities';
import { DEFAULT_ENVIRONMENTS } from './default-environments';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { TtlCache } from '../auth/ttl-cache';
import { isUuid } from './ids';
import { AuditRecorder } from '../audit/audit-recorder.service';
import { projectView, ProjectView } from './project.views';

export interface NewProject {
  name: string;
  slug: string;
  description?: string | null;
  environments?: readonly { slug: string; name: string }[];
}

interface ProjectRow {
  id: string;
  name: string;
  slug: string;
  description: string;
  created_at: Date;
  updated_at: Date;
  env_id: string | null;
  env_slug: string;
  env_name: string;
  env_position: number;
}

@Injectable()
export class ProjectsService {
  /** Projects found by find(), reused for `authCacheMs` (see GatewayConfig). */
  private readonly cache: TtlCache<ProjectView>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly audit: AuditRecorder,
  ) {
    this.cache = new TtlCache(config.authCacheMs);
  }

  /** Creates a project with its environments; inside `tx` when given, else in its own transaction. */
  async create(input: NewProject, tx?: EntityManager): Promise<ProjectView> {
    return tx ? this.insert(input, tx) : this.ds.transaction((m) => this.insert(input, m));
  }

  private async insert(input: NewProject, m: EntityManager): Promise<ProjectView> {
    if (await m.findOneBy(ProjectEntity, { slug: input.slug })) {
      throw RotorError.conflict('PROJECT.SLUG_TAKEN', `a project with slug "${input.slug}" already exists`);
    }
    const now = this.clock.now();
    const project = m.create(ProjectEntity, {
      id: randomUUID(),
      name: input.name,
      slug: input.slug,
      description: input.description ?? '',
      createdAt: now,
      updatedAt: now,
    });
    await m.insert(ProjectEntity, project);
    const environments = (input.environments ?? DEFAULT_ENVIRONMENTS).map((e, position) =>
      m.create(EnvironmentEntity, { id: randomUUID(), projectId: project.id, slug: e.slug, name: e.name, position, createdAt: now }),
    );
    await m.insert(EnvironmentEntity, environments);
    await this.audit.recordChangeIn(m, 201, project.id);
    return projectView(project, environments);
  }

  /** Every authorized request asks this: one statement, no query building, then cached briefly. */
  async find(id: string): Promise<ProjectView | null> {
    if (!isUuid(id)) return null;
    return this.cache.getOrLoad(id, () => this.load(id));
  }

  private async load(id: string): Promise<ProjectView | null> {
    const rows: ProjectRow[] = await this.ds.query(
      `SELECT p.id, p.name, p.slug, p.description, p.created_at, p.updated_at,
              e.id AS env_id, e.slug AS env_slug, e.name AS env_name, e.position AS env_position
         FROM projects p LEFT JOIN environments e ON e.project_id = p.id
        WHERE p.id = $1`,
      [id],
    );
    const [p] = rows;
    if (!p) return null;
    const project: ProjectEntity = { id: p.id, name: p.name, slug: p.slug, description: p.description, createdAt: p.created_at, updatedAt: p.updated_at };
    const environments = rows
      .filter((r) => r.env_id !== null)
      .map((r) => ({ id: r.env_id as string, projectId: p.id, slug: r.env_slug, name: r.env_name, position: r.env_position }) as EnvironmentEntity);
    return projectView(project, environments);
  }

  /** All projects, or only those in `ids`. */
  async list(ids: readonly string[] | null): Promise<ProjectView[]> {
    const projects = await this.ds.manager.find(ProjectEntity, {
      where: ids === null ? {} : { id: In([...ids]) },
      order: { createdAt: 'ASC' },
    });
    if (projects.length === 0) return [];
    const environments = await this.ds.manager.findBy(EnvironmentEntity, { projectId: In(projects.map((p) => p.id)) });
    return projects.map((p) => projectView(p, environments.filter((e) => e.projectId === p.id)));
  }

  async addEnvironment(projectId: string, env: { slug: string; name: string }): Promise<ProjectView> {
    await this.ds.transaction(async (m) => {
      const existing = await m.findBy(EnvironmentEntity, { projectId });
      if (existing.some((e) => e.slug === env.slug)) {
        throw RotorError.conflict('ENVIRONMENT.SLUG_TAKEN', `environment "${env.slug}" already exists in this project`);
      }
      const position = existing.reduce((max, e) => Math.max(max, e.position + 1), 0);
      await m.insert(EnvironmentEntity, { id: randomUUID(), projectId, slug: env.slug, name: env.name, position, createdAt: this.clock.now() });
      await m.update(ProjectEntity, { id: projectId }, { updatedAt: this.clock.now() });
      await this.audit.recordChangeIn(m, 201);
    });
    this.cache.invalidate();
    return (await this.find(projectId)) as ProjectView;
  }
}
