import { ok, RotorApiError, type RotorClient } from '@rotor/api-client';
import type { CredentialLocation, RedisCredential } from './credential';

type Location = Required<CredentialLocation>;

/**
 * Reads the username and password of `location` in one request to the secrets API (one read of
 * the folder, so the two belong together: a rotation writes both in one transaction).
 */
export async function readCredential(api: RotorClient, location: Location): Promise<RedisCredential> {
  const { secrets } = await ok(
    api.GET('/api/v3/secrets/raw', {
      params: { query: { projectId: location.projectId, environment: location.environment, secretPath: location.secretPath } },
    }),
  );
  const username = secrets.find((s) => s.secretKey === location.usernameKey);
  const password = secrets.find((s) => s.secretKey === location.passwordKey);
  if (!username || !password) {
    const missing = [username ? null : location.usernameKey, password ? null : location.passwordKey].filter(Boolean).join(' and ');
    throw new RotorApiError(404, 'SECRET.NOT_FOUND', `${missing} not found in ${location.environment}:${location.secretPath} of project ${location.projectId}`);
  }
  return { username: username.secretValue, password: password.secretValue, usernameVersion: username.version, passwordVersion: password.version };
}

/**
 * Reads both secrets at the versions an event named, so the pair is exactly the one that was
 * stored together even if another rotation lands meanwhile.
 */
export async function readCredentialAt(
  api: RotorClient,
  location: Location,
  versions: { username: number; password: number },
): Promise<RedisCredential> {
  const read = (secretName: string, version: number) =>
    ok(
      api.GET('/api/v3/secrets/raw/{secretName}', {
        params: {
          path: { secretName },
          query: { projectId: location.projectId, environment: location.environment, secretPath: location.secretPath, version: String(version) },
        },
      }),
    );
  const [username, password] = await Promise.all([read(location.usernameKey, versions.username), read(location.passwordKey, versions.password)]);
  return {
    username: username.secret.secretValue,
    password: password.secret.secretValue,
    usernameVersion: username.secret.version,
    passwordVersion: password.secret.version,
  };
}
