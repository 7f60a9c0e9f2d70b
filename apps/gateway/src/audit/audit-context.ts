import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';

/** What the gateway learns about a request while it handles it, for its audit record. */
export interface AuditContext {
  readonly request: Request;
  readonly correlationId: string;
  readonly startedAt: Date;
  /** The project the request acts in, as authorization resolved it. */
  projectId?: string;
  /** The caller asked about a project it holds no role in (its 404 is a denial). */
  deniedAcrossProjects?: boolean;
  /** The record was already written, in the transaction of the gateway's own change. */
  recorded?: boolean;
}

const storage = new AsyncLocalStorage<AuditContext>();

export function runWithAuditContext<T>(context: AuditContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The audited request being handled, if any (none at start-up, in tests of services). */
export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}

/** Called where authorization resolves a project: the record goes to that project's chain. */
export function noteAuditProject(projectId: string, visibleToCaller: boolean): void {
  const context = storage.getStore();
  if (!context) return;
  context.projectId = projectId;
  if (!visibleToCaller) context.deniedAcrossProjects = true;
}
