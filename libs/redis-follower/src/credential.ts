/** Where a rotated Redis credential lives in Rotor: one folder, two mapped secrets. */
export interface CredentialLocation {
  projectId: string;
  /** Environment slug, e.g. `prod`. */
  environment: string;
  /** Folder path, starting with `/` (default `/`). */
  secretPath?: string;
  /** Names of the two mapped secrets (default `REDIS_USERNAME` and `REDIS_PASSWORD`). */
  usernameKey?: string;
  passwordKey?: string;
}

/** A username and password read together, with the secret versions they came from. */
export interface RedisCredential {
  username: string;
  password: string;
  usernameVersion: number;
  passwordVersion: number;
}

/** What may be shown of a credential (logs, events, health pages): never the password. */
export type CredentialVersion = Omit<RedisCredential, 'password'>;

export function describeCredential(c: RedisCredential): CredentialVersion {
  return { username: c.username, usernameVersion: c.usernameVersion, passwordVersion: c.passwordVersion };
}

/** Whether `next` is newer than `held` (a version only grows; either secret may move). */
export function isNewer(next: RedisCredential, held: RedisCredential | undefined): boolean {
  if (!held) return true;
  return next.usernameVersion > held.usernameVersion || next.passwordVersion > held.passwordVersion;
}

export function withDefaults(location: CredentialLocation): Required<CredentialLocation> {
  return {
    projectId: location.projectId,
    environment: location.environment,
    secretPath: location.secretPath ?? '/',
    usernameKey: location.usernameKey ?? 'REDIS_USERNAME',
    passwordKey: location.passwordKey ?? 'REDIS_PASSWORD',
  };
}
