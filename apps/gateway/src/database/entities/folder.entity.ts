import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A normalized secret path inside one environment; created the first time it is written to. */
@Entity({ name: 'folders' })
export class FolderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ name: 'environment_id', type: 'uuid' })
  environmentId!: string;

  @Column({ type: 'varchar', length: 256 })
  path!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
