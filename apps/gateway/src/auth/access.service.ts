import { Injectable } from '@nestjs/common';
import { RotorError } from '@rotor/util';
import { noteAuditProject } from '../audit/audit-context';
import { isUuid } from '../projects/ids';
import { ProjectView } from '../projects/project.views';
import { ProjectsService } from '../projects/projects.service';
import { NotFound } from '../upstream/owned-resource';
import type { AuthenticatedIdentity } from './authenticated-identity';
import type { Permission } from './permissions';

export function projectNotFound(projectId: string): RotorError {
  return RotorError.notFound('PROJECT.NOT_FOUND', `project ${projectId} not found`);
}

/**
 * Project-scoped authorization. A project the caller holds no role in does not exist for it
 * (404, never 403), so ids of other projects' resources leak nothing; a missing permission in
 * a project it can see is a 403 naming the permission.
 */
@Injectable()
export class AccessService {
  constructor(private readonly projects: ProjectsService) {}

  canSee(identity: AuthenticatedIdentity, projectId: string): boolean {
    return identity.isAdmin || identity.roles.has(projectId);
  }

  /**
   * The project, when the caller can see it and holds `permission` in it. `notFound` builds the
   * error that replaces PROJECT.NOT_FOUND.
   */
  async requireProject(
    identity: AuthenticatedIdentity,
    projectId: string,
    permission: Permission,
    notFound: NotFound = () => projectNotFound(projectId),
  ): Promise<ProjectView> {
    if (isUuid(projectId)) noteAuditProject(projectId, this.canSee(identity, projectId));
    if (!isUuid(projectId) || !this.canSee(identity, projectId)) throw notFound();
    const project = await this.projects.find(projectId);
    if (!project) throw notFound();
    this.requirePermission(identity, project.id, permission);
    return project;
  }

  requirePermission(identity: AuthenticatedIdentity, projectId: string, permission: Permission): void {
    if (identity.isAdmin || identity.roles.get(projectId)?.has(permission)) return;
    throw new RotorError(
      'AUTH.PERMISSION_DENIED',
      `identity ${identity.id} lacks the "${permission}" permission in project ${projectId}`,
      'forbidden',
    );
  }

  requireAdmin(identity: AuthenticatedIdentity): void {
    if (identity.isAdmin) return;
    throw new RotorError('AUTH.ADMIN_REQUIRED', 'only an admin identity may manage projects and identities', 'forbidden');
  }

  /** null = every project (admin). */
  visibleProjectIds(identity: AuthenticatedIdentity): string[] | null {
    return identity.isAdmin ? null : [...identity.roles.keys()];
  }
}
