import { EnvelopeCipher, redact } from '@rotor/crypto';
import { AdminPool, checkConnection, checkCredentials, RedisAclError, RedisTarget, revokeUsers, rotateUser } from '@rotor/redis-acl';
import { generatePassword } from '@rotor/rotation-domain';
import { RotorError } from '@rotor/util';
import {
  CheckRequest, ConnectionRequest, CredentialCheckResult, CredentialRequest, IssuedCredential, RevokedCredentials, RevokeRequest, RotationProvider,
  RotationProviderError,
} from '../rotation-provider';
import { REDIS_CREDENTIALS_PROVIDER, REDIS_PROVIDER_ERROR, SEALED_FIELD } from './redis-credentials.constants';
import type { RedisCredentialsConnection, RedisCredentialsParameters } from './redis-credentials.types';

export interface RedisCredentialsSpec {
  connection: RedisCredentialsConnection;
  parameters: RedisCredentialsParameters;
}

export interface RedisCredentialsDeps {
  cipher: EnvelopeCipher;
  /**
   * Admin connections per node (and each deployment's topology, for a few seconds) kept across
   * jobs; a new credential is still verified on a fresh connection of its own.
   */
  redisAdmin?: AdminPool;
}

/**
 * Redis ACL users. Issuing and rotating are the same command (`ACL SETUSER <user> reset on
 * >password <scope…>` on every node, then a fresh AUTH + PING per node, then ACL SAVE where an
 * aclfile is kept: all in @rotor/redis-acl); the slot's previous password, if any, is gone.
 *
 * Nothing here races the Redis work against a timer: an abandoned rotateUser would keep
 * running and could set its password after a later retry set another one, so the secret store
 * would get a credential Redis no longer accepts. The work is bounded instead by redis-acl's
 * own limits on every connection (connect 3 s, command 10 s, no reconnects, no offline queue),
 * with each pass running on all nodes at once.
 */
export function createRedisCredentialsProvider(deps: RedisCredentialsDeps): RotationProvider<RedisCredentialsSpec> & {
  readonly type: typeof REDIS_CREDENTIALS_PROVIDER;
} {
  async function setCredential(request: CredentialRequest<RedisCredentialsSpec>): Promise<IssuedCredential> {
    // Impossible requirements are refused before a secret is opened or Redis is touched.
    const password = newPassword(request.parameters);
    const { target, secrets } = openTarget(deps.cipher, request);
    try {
      const { nodes } = await rotateUser(target, {
        username: request.username,
        password,
        rules: request.parameters.permissionScope,
      }, { pool: deps.redisAdmin });
      return { username: request.username, password, nodes };
    } catch (e) {
      throw providerError('REDIS', e, [...secrets, password]);
    }
  }

  return {
    type: REDIS_CREDENTIALS_PROVIDER,
    issue: setCredential,
    rotate: setCredential,

    async verify(request: ConnectionRequest<RedisCredentialsSpec>): Promise<void> {
      const { target, secrets } = openTarget(deps.cipher, request);
      try {
        await checkConnection(target);
      } catch (e) {
        throw providerError('CONNECTION', e, secrets);
      }
    },

    async revoke(request: RevokeRequest<RedisCredentialsSpec>): Promise<RevokedCredentials> {
      if (request.usernames.length === 0) return { usernames: [], nodes: [] };
      const { target, secrets } = openTarget(deps.cipher, request);
      try {
        const { nodes } = await revokeUsers(target, request.usernames, { pool: deps.redisAdmin });
        return { usernames: request.usernames, nodes };
      } catch (e) {
        throw providerError('REDIS', e, secrets);
      }
    },

    async checkCredentials(request: CheckRequest<RedisCredentialsSpec>): Promise<{ nodes: string[]; checks: CredentialCheckResult[] }> {
      const { target, secrets } = openTarget(deps.cipher, request);
      const all = [...secrets, ...request.credentials.map((c) => c.password)];
      try {
        const { nodes, checks } = await checkCredentials(target, request.credentials, { pool: deps.redisAdmin });
        return {
          nodes,
          checks: checks.map((c) => ({
            label: c.label as CredentialCheckResult['label'], username: c.username, node: c.node, ok: c.ok, answer: redact(c.answer, all),
          })),
        };
      } catch (e) {
        throw providerError('REDIS', e, all);
      }
    },
  };
}

function newPassword(parameters: RedisCredentialsParameters): string {
  try {
    return generatePassword(parameters.passwordRequirements);
  } catch (e) {
    if (e instanceof RotorError) throw new RotationProviderError(REDIS_PROVIDER_ERROR.passwordRequirements, e.message, null, false);
    throw e;
  }
}

/** The connection with its sealed secrets opened, and those secrets, to mask them in any error. */
function openTarget(
  cipher: EnvelopeCipher,
  request: ConnectionRequest<RedisCredentialsSpec>,
): { target: RedisTarget; secrets: string[] } {
  const { connection, projectId, connectionId } = request;
  const open = (sealed: string, field: string, what: string): string => {
    try {
      return cipher.open(sealed, { projectId, owner: connectionId, field });
    } catch {
      throw new RotationProviderError(
        REDIS_PROVIDER_ERROR.sealedSecret,
        `The ${what} of connection ${connectionId} cannot be decrypted for project ${projectId} (wrong root key, or sealed for another connection).`,
        null,
        false,
      );
    }
  };
  const password = open(connection.password, SEALED_FIELD.adminPassword, 'admin password');
  const secrets = [password];
  const topology = connection.topology;
  let targetTopology: RedisTarget['topology'];
  if (topology.type === 'sentinel') {
    const sentinelPassword = topology.sentinelPassword === null
      ? null
      : open(topology.sentinelPassword, SEALED_FIELD.sentinelPassword, 'sentinel password');
    if (sentinelPassword) secrets.push(sentinelPassword);
    targetTopology = { ...topology, sentinelPassword };
  } else {
    targetTopology = topology;
  }
  return {
    target: {
      host: connection.host,
      port: connection.port,
      username: connection.username,
      password,
      tls: connection.tls,
      topology: targetTopology,
      aclPersistenceMode: connection.aclPersistenceMode ?? 'auto',
    },
    secrets,
  };
}

/**
 * RedisAclError → `<prefix>.<CODE>` with its node and retryability; its message is already
 * redacted by redis-acl and is masked again here as a last net. Anything else is a defect: its
 * text may hold a command's arguments, so only its class is kept, and a retry may help.
 */
function providerError(prefix: 'REDIS' | 'CONNECTION', e: unknown, secrets: string[]): RotationProviderError {
  if (e instanceof RotationProviderError) return e;
  if (e instanceof RedisAclError) {
    return new RotationProviderError(`${prefix}.${e.code.toUpperCase()}`, redact(e.message, secrets), e.node, e.retryable);
  }
  const kind = e instanceof Error ? e.name : typeof e;
  return new RotationProviderError(REDIS_PROVIDER_ERROR.unexpected, `Unexpected ${kind} while talking to Redis.`, null, true);
}
