import { Injectable } from '@nestjs/common';
import { FieldIssue } from '@rotor/util';
import { FoldersService } from './folders.service';
import { EnvironmentView, FolderView, ProjectView } from './project.views';

/** Where a rotation or secret lives: an environment of the project and a folder (normalized path) in it. */
export interface ResolvedLocation {
  environment: EnvironmentView;
  folder: FolderView;
}

@Injectable()
export class LocationService {
  constructor(private readonly folders: FoldersService) {}

  /** An issue naming `field` when `slug` is not an environment of the project. */
  environmentIssue(project: ProjectView, slug: unknown, field = 'environment'): FieldIssue | null {
    if (typeof slug !== 'string') return null; // the shape check reports it
    if (project.environments.some((e) => e.slug === slug)) return null;
    const known = project.environments.map((e) => `"${e.slug}"`).join(', ');
    return { field, message: `must be an environment of the project: one of ${known}` };
  }

  environment(project: ProjectView, slug: string): EnvironmentView {
    const env = project.environments.find((e) => e.slug === slug);
    if (!env) throw new Error(`environment ${slug} was validated but is missing`);
    return env;
  }

  /** For writes: the folder is created on first use. */
  async forWrite(project: ProjectView, slug: string, path: string): Promise<ResolvedLocation> {
    const environment = this.environment(project, slug);
    return { environment, folder: await this.folders.findOrCreate(project.id, environment.id, path) };
  }

  /** For reads: null when nothing was ever written at that path. */
  async forRead(project: ProjectView, slug: string, path: string): Promise<ResolvedLocation | null> {
    const environment = this.environment(project, slug);
    const folder = await this.folders.find(environment.id, path);
    return folder ? { environment, folder } : null;
  }
}
