import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, CLOCK } from '@rotor/util';
import { FolderEntity } from '../database/entities';
import { folderView, FolderView } from './project.views';

/** Folders are identified by their normalized path inside an environment. */
@Injectable()
export class FoldersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async find(environmentId: string, path: string): Promise<FolderView | null> {
    const [folder]: FolderView[] = await this.ds.query('SELECT id, path FROM folders WHERE environment_id = $1 AND path = $2', [environmentId, path]);
    return folder ? { id: folder.id, path: folder.path } : null;
  }

  /** Creates the folder the first time a path is written to; concurrent creators get the same row. */
  async findOrCreate(projectId: string, environmentId: string, path: string): Promise<FolderView> {
    await this.ds.query(
      `INSERT INTO folders (id, project_id, environment_id, path, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (environment_id, path) DO NOTHING`,
      [randomUUID(), projectId, environmentId, path, this.clock.now()],
    );
    return (await this.find(environmentId, path)) as FolderView;
  }

  async list(projectId: string, environmentId?: string): Promise<(FolderView & { environmentId: string })[]> {
    const folders = await this.ds.manager.find(FolderEntity, {
      where: environmentId ? { projectId, environmentId } : { projectId },
      order: { path: 'ASC' },
    });
    return folders.map((f) => ({ ...folderView(f), environmentId: f.environmentId }));
  }
}
