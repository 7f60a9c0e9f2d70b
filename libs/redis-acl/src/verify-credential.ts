import { errorText, isReplyError, openConnection } from './connection';
import { RedisAclError, redactSecrets } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisTls } from './redis-target';

/** What one node said to a credential: accepted or not, and Redis' own words (redacted). */
export interface CredentialProbe {
  ok: boolean;
  /** 'PONG', 'NOPERM …' (accepted), or the AUTH error, e.g. 'WRONGPASS invalid username-password pair…'. */
  answer: string;
}

/**
 * Does `username`/`password` authenticate on this node? A fresh connection sends AUTH, then
 * PING. ok: AUTH said OK and PING answered — PONG, or NOPERM when the user's scope does not
 * include PING (still proof that the connection is authenticated as that user). not ok: Redis
 * rejected the credential, and `answer` says how. Throws RedisAclError ('unreachable' | 'tls')
 * when the node cannot be asked, so "does not authenticate" is never confused with "could not
 * check".
 */
export async function probeCredential(node: RedisAddress, tls: RedisTls | null | undefined, username: string, password: string): Promise<CredentialProbe> {
  const secrets = [password];
  const said = (e: unknown) => redactSecrets(errorText(e), secrets);
  const client = await openConnection(node, tls, secrets);
  const lost = (e: unknown) =>
    new RedisAclError('unreachable', `Lost the connection to Redis at ${nodeName(node)} while verifying a credential: ${said(e)}`, nodeName(node), true);
  try {
    // AUTH and PING in one round trip: PING's answer only counts when AUTH said OK, and a
    // PING that follows a rejected AUTH runs unauthenticated (its NOAUTH is ignored).
    const authed = client.auth(username, password);
    const pinged = client.ping();
    pinged.catch(() => undefined);
    try {
      await authed;
    } catch (e) {
      if (isReplyError(e)) return { ok: false, answer: said(e) };
      throw lost(e);
    }
    try {
      const pong = await pinged;
      return { ok: pong === 'PONG', answer: String(pong) };
    } catch (e) {
      if (isReplyError(e)) return { ok: said(e).startsWith('NOPERM'), answer: said(e) };
      throw lost(e);
    }
  } finally {
    client.disconnect();
  }
}

/** probeCredential, answering only whether the credential authenticates. */
export async function verifyCredential(node: RedisAddress, tls: RedisTls | null | undefined, username: string, password: string): Promise<boolean> {
  return (await probeCredential(node, tls, username, password)).ok;
}
