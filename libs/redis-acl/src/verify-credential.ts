import { errorText, isReplyError, openConnection } from './connection';
import { RedisAclError, redactSecrets } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisTls } from './redis-target';

/**
 * Does `username`/`password` authenticate on this node? A fresh connection sends AUTH, then
 * PING. true: AUTH said OK and PING answered — PONG, or NOPERM when the user's scope does not
 * include PING (still proof that the connection is authenticated as that user). false: Redis
 * rejected the credential. Throws RedisAclError ('unreachable' | 'tls') when the node cannot
 * be asked, so "does not authenticate" is never confused with "could not check".
 */
export async function verifyCredential(node: RedisAddress, tls: RedisTls | null | undefined, username: string, password: string): Promise<boolean> {
  const secrets = [password];
  const client = await openConnection(node, tls, secrets);
  const lost = (e: unknown) =>
    new RedisAclError('unreachable', `Lost the connection to Redis at ${nodeName(node)} while verifying a credential: ${redactSecrets(errorText(e), secrets)}`, nodeName(node), true);
  try {
    try {
      await client.auth(username, password);
    } catch (e) {
      if (isReplyError(e)) return false;
      throw lost(e);
    }
    try {
      return (await client.ping()) === 'PONG';
    } catch (e) {
      if (isReplyError(e)) return errorText(e).startsWith('NOPERM');
      throw lost(e);
    }
  } finally {
    client.disconnect();
  }
}
