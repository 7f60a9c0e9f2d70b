import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { COMMAND_TIMEOUT_MS, CONNECT_TIMEOUT_MS, connectFailure, tlsOptions } from './connection';
import { RedisAclError, redactSecrets } from './redis-acl.error';
import { nodeName, type RedisAddress, type RedisTls } from './redis-target';

/** What one node said to a credential: accepted or not, and Redis' own words (redacted). */
export interface CredentialProbe {
  ok: boolean;
  /** 'PONG', 'NOPERM …' (accepted), or the AUTH error, e.g. 'WRONGPASS invalid username-password pair…'. */
  answer: string;
}

/**
 * Does `username`/`password` authenticate on this node? A fresh connection — never a pooled
 * one — sends AUTH, then PING, in one round trip. ok: AUTH said OK and PING answered — PONG,
 * or NOPERM when the user's scope does not include PING (still proof that the connection is
 * authenticated as that user); a PING that follows a rejected AUTH runs unauthenticated and
 * its answer is ignored. not ok: Redis rejected the credential, and `answer` says how. Throws
 * RedisAclError ('unreachable' | 'tls') when the node cannot be asked, so "does not
 * authenticate" is never confused with "could not check".
 *
 * A plain socket speaking the two commands rather than an ioredis client: building a client per
 * credential and node was most of the executor's Redis CPU (ioredis was about a tenth of its
 * profile). Same limits as every connection here (3 s to connect, 10 s for the answers, no
 * retries), same TLS options (tlsOptions).
 */
export async function probeCredential(node: RedisAddress, tls: RedisTls | null | undefined, username: string, password: string): Promise<CredentialProbe> {
  const secrets = [password];
  const said = (text: string) => redactSecrets(text, secrets);
  const socket = await openSocket(node, tls, secrets);
  try {
    const [auth, ping] = await exchange(socket, [command('AUTH', username, password), command('PING')]).catch((e: unknown) => {
      throw new RedisAclError(
        'unreachable',
        `Lost the connection to Redis at ${nodeName(node)} while verifying a credential: ${said(e instanceof Error ? e.message : String(e))}`,
        nodeName(node),
        true,
      );
    });
    if (auth.error) return { ok: false, answer: said(auth.text) };
    if (ping.error) return { ok: said(ping.text).startsWith('NOPERM'), answer: said(ping.text) };
    return { ok: ping.text === 'PONG', answer: said(ping.text) };
  } finally {
    socket.destroy();
  }
}

/** probeCredential, answering only whether the credential authenticates. */
export async function verifyCredential(node: RedisAddress, tls: RedisTls | null | undefined, username: string, password: string): Promise<boolean> {
  return (await probeCredential(node, tls, username, password)).ok;
}

/** A RESP array of bulk strings: every argument sent as is, whatever characters it holds. */
function command(...args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** A connected (and, with TLS, handshaken) socket; a failure is classified as connectFailure does. */
function openSocket(node: RedisAddress, tls: RedisTls | null | undefined, secrets: string[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tlsOpts = tlsOptions(node, tls);
    const socket: Socket = tlsOpts ? tlsConnect({ host: node.host, port: node.port, ...tlsOpts }) : netConnect({ host: node.host, port: node.port });
    const timer = setTimeout(() => fail(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
    function fail(e: unknown) {
      clearTimeout(timer);
      socket.destroy();
      reject(connectFailure(e, node, tls, secrets));
    }
    socket.once('error', fail);
    socket.once(tlsOpts ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

interface Reply {
  error: boolean;
  text: string;
}

/**
 * Writes the commands at once and reads one reply per command. AUTH and PING only ever answer
 * with a status line (`+OK`, `+PONG`) or an error line (`-WRONGPASS …`); anything else, a
 * closed connection or no answer within the command timeout is an error.
 */
function exchange(socket: Socket, commands: Buffer[]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const replies: Reply[] = [];
    let buffered = '';
    const timer = setTimeout(() => done(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
    function done(e?: Error) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (e) reject(e);
      else resolve(replies);
    }
    function onData(chunk: Buffer) {
      buffered += chunk.toString('utf8');
      let end: number;
      while (replies.length < commands.length && (end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (line[0] !== '+' && line[0] !== '-') return done(new Error('unexpected answer from the server'));
        replies.push({ error: line[0] === '-', text: line.slice(1) });
      }
      if (replies.length === commands.length) done();
    }
    const onError = (e: Error) => done(e);
    const onClose = () => done(new Error('Connection is closed.'));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(Buffer.concat(commands));
  });
}
