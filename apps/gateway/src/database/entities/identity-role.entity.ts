import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Permission } from '../../auth/permissions';

/** What an identity may do in one project. No row for a project = the project does not exist for it. */
@Entity({ name: 'identity_roles' })
export class IdentityRoleEntity {
  @PrimaryColumn({ name: 'identity_id', type: 'uuid' })
  identityId!: string;

  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'text', array: true })
  permissions!: Permission[];
}
