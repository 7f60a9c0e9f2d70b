import { EnvironmentEntity } from './environment.entity';
import { FolderEntity } from './folder.entity';
import { IdentityRoleEntity } from './identity-role.entity';
import { IdentityTokenEntity } from './identity-token.entity';
import { IdentityEntity } from './identity.entity';
import { ProjectEntity } from './project.entity';

export { EnvironmentEntity, FolderEntity, IdentityEntity, IdentityRoleEntity, IdentityTokenEntity, ProjectEntity };

export const GATEWAY_ENTITIES = [ProjectEntity, EnvironmentEntity, FolderEntity, IdentityEntity, IdentityTokenEntity, IdentityRoleEntity];
