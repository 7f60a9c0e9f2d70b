/**
 * The action and target of a request, from its route pattern and method. Routes named here
 * get the names the README documents; any other route (one added later) is still audited,
 * under a name derived from its path (`derivedAction`), so nothing escapes the log.
 */
const NAMED_ACTIONS: Record<string, string> = {
  'POST /api/v1/projects': 'project.create',
  'GET /api/v1/projects': 'project.list',
  'GET /api/v1/projects/:projectId': 'project.read',
  'POST /api/v1/projects/:projectId/environments': 'environment.create',
  'GET /api/v1/projects/:projectId/folders': 'folder.list',
  'POST /api/v1/identities': 'identity.create',
  'GET /api/v1/identities': 'identity.list',
  'GET /api/v1/identities/me': 'identity.read-self',
  'GET /api/v1/identities/:identityId': 'identity.read',
  'PUT /api/v1/identities/:identityId/roles': 'identity.set-roles',
  'DELETE /api/v1/identities/:identityId': 'identity.delete',
  'POST /api/v1/identities/:identityId/tokens': 'token.create',
  'DELETE /api/v1/identities/:identityId/tokens/:tokenId': 'token.revoke',
  'POST /api/v1/app-connections/redis': 'app-connection.create',
  'GET /api/v1/app-connections/redis': 'app-connection.list',
  'GET /api/v1/app-connections/redis/:connectionId': 'app-connection.read',
  'PATCH /api/v1/app-connections/redis/:connectionId': 'app-connection.update',
  'DELETE /api/v1/app-connections/redis/:connectionId': 'app-connection.delete',
  'GET /api/v2/secret-rotations/options': 'secret-rotation.options',
  'POST /api/v2/secret-rotations/redis-credentials': 'secret-rotation.create',
  'GET /api/v2/secret-rotations/redis-credentials': 'secret-rotation.list',
  'GET /api/v2/secret-rotations/redis-credentials/rotation-name/:rotationName': 'secret-rotation.read',
  'GET /api/v2/secret-rotations/redis-credentials/:rotationId': 'secret-rotation.read',
  'PATCH /api/v2/secret-rotations/redis-credentials/:rotationId': 'secret-rotation.update',
  'DELETE /api/v2/secret-rotations/redis-credentials/:rotationId': 'secret-rotation.delete',
  'POST /api/v2/secret-rotations/redis-credentials/:rotationId/rotate-secrets': 'secret-rotation.rotate',
  'GET /api/v2/secret-rotations/redis-credentials/:rotationId/generated-credentials': 'secret-rotation.read-generated-credentials',
  'GET /api/v2/secret-rotations/redis-credentials/:rotationId/history': 'secret-rotation.read-history',
  'GET /api/v3/secrets/raw': 'secret.list',
  'GET /api/v3/secrets/raw/:secretName': 'secret.read',
  'POST /api/v3/secrets/raw/:secretName': 'secret.create',
  'PATCH /api/v3/secrets/raw/:secretName': 'secret.update',
  'DELETE /api/v3/secrets/raw/:secretName': 'secret.delete',
  'GET /api/v1/app-connections': 'app-connection.list-all',
  'GET /api/v2/secret-rotations': 'secret-rotation.list-all',
  'POST /api/v1/webhooks': 'webhook.create',
  'GET /api/v1/webhooks': 'webhook.list',
  'GET /api/v1/webhooks/:webhookId': 'webhook.read',
  'PATCH /api/v1/webhooks/:webhookId': 'webhook.update',
  'DELETE /api/v1/webhooks/:webhookId': 'webhook.delete',
  'POST /api/v1/webhooks/:webhookId/test': 'webhook.test',
  'GET /api/v1/webhooks/:webhookId/deliveries': 'webhook.read-deliveries',
  'GET /api/v1/audit-logs': 'audit-log.list',
  'GET /api/v1/audit-logs/export': 'audit-log.export',
  'GET /api/v1/audit-logs/verify': 'audit-log.verify',
};

/** Route parameter → the type of what it names. */
const PARAM_TARGETS: Record<string, string> = {
  projectId: 'project',
  identityId: 'identity',
  tokenId: 'token',
  connectionId: 'app-connection',
  rotationId: 'secret-rotation',
  rotationName: 'secret-rotation',
  secretName: 'secret',
  webhookId: 'webhook',
};

export function isNamedRoute(method: string, route: string): boolean {
  return `${method} ${route}` in NAMED_ACTIONS;
}

export function actionOf(method: string, route: string): string {
  return NAMED_ACTIONS[`${method} ${route}`] ?? derivedAction(method, route);
}

/** `<static path segments after /api/vN, dot-joined>.<verb>`, e.g. `webhooks.create`. */
export function derivedAction(method: string, route: string): string {
  const segments = route.split('/').filter((s) => s !== '' && s !== 'api' && !/^v\d+$/.test(s));
  const names = segments.filter((s) => !s.startsWith(':'));
  const byId = segments.length > 0 && (segments[segments.length - 1] as string).startsWith(':');
  const verb = { GET: byId ? 'read' : 'list', POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' }[method] ?? method.toLowerCase();
  return `${names.join('.') || 'api'}.${verb}`;
}

/**
 * What the request acts on: the last route parameter (a secret is named with its environment
 * and path), else the resource the action names, with the id a create answered with.
 */
export function targetOf(
  action: string,
  route: string,
  params: Record<string, string>,
  where: { environment?: unknown; secretPath?: unknown },
  createdId: string | null,
): { type: string; id: string | null } {
  const names = [...route.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  const resource = action.slice(0, action.lastIndexOf('.'));
  const last = names[names.length - 1];
  if (last === undefined) return { type: resource, id: createdId };
  // A sub-resource created under its parent (a token of an identity, an environment of a project).
  if (createdId !== null && PARAM_TARGETS[last] !== resource) return { type: resource, id: createdId };
  const type = PARAM_TARGETS[last] ?? last.replace(/(Id|Name)$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const value = params[last] ?? null;
  if (type === 'secret' && value !== null && typeof where.environment === 'string') {
    const folder = typeof where.secretPath === 'string' ? where.secretPath.replace(/\/+$/, '') : '';
    return { type, id: `${where.environment}:${folder}/${value}` };
  }
  return { type, id: value };
}
