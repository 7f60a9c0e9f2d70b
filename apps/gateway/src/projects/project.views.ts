import type { EnvironmentEntity, FolderEntity, ProjectEntity } from '../database/entities';

export interface EnvironmentView {
  id: string;
  slug: string;
  name: string;
}

export interface ProjectView {
  id: string;
  name: string;
  slug: string;
  description: string;
  environments: EnvironmentView[];
  createdAt: string;
  updatedAt: string;
}

export interface FolderView {
  id: string;
  path: string;
}

export function environmentView(e: EnvironmentEntity): EnvironmentView {
  return { id: e.id, slug: e.slug, name: e.name };
}

export function folderView(f: FolderEntity): FolderView {
  return { id: f.id, path: f.path };
}

export function projectView(p: ProjectEntity, environments: EnvironmentEntity[]): ProjectView {
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    description: p.description,
    environments: [...environments].sort((a, b) => a.position - b.position).map(environmentView),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
