/** Where a secret lives: a folder (project, environment, path) and a key in it. */
export interface SecretFolder {
  projectId: string;
  environment: string;
  secretPath: string;
}

export interface SecretLocation extends SecretFolder {
  secretKey: string;
}

/**
 * One spelling per folder, so '/app', '/app/' and '//app' are the same folder whether a path
 * comes from the API or from a rotation event: single slashes, no trailing slash but the root.
 */
export function canonicalSecretPath(path: string): string {
  const segments = path.split('/').filter((s) => s.length > 0);
  return `/${segments.join('/')}`;
}

/** Human-readable name for messages: `REDIS_PASSWORD in dev:/app`. Never carries a value. */
export function describeLocation(loc: SecretLocation): string {
  return `${loc.secretKey} in ${loc.environment}:${loc.secretPath}`;
}
