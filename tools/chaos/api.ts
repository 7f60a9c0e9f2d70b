/**
 * What the chaos run asks of Rotor's public API: create, rotate, delete and read rotations,
 * and read their mapped secrets. Every call answers instead of throwing, so the callers can
 * tell "the API is unavailable" (a service being killed) from a wrong answer.
 */
import { RotorApi } from '@rotor/testing';

export const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';
export const USERNAME_KEY = 'REDIS_USERNAME';
export const PASSWORD_KEY = 'REDIS_PASSWORD';

export interface Rotation {
  id: string;
  activeIndex: 0 | 1;
  rotationStatus: string | null;
  lastRotationJobId: string | null;
  lastRotationMessage: string | null;
}

export interface HistoryEntry {
  type: string;
  jobId: string | null;
  occurredAt: string;
  details: Record<string, unknown>;
}

export interface ServedCredential {
  username: string;
  password: string;
  /** Version of the password secret: one more per stored rotation. */
  version: number;
}

export type Answer<T> =
  | { kind: 'ok'; value: T }
  /** Network error, 5xx or 429: the platform is (partly) down, not wrong. */
  | { kind: 'unavailable'; status: number | null; message: string }
  /** Any other status: the platform answered, and refused. */
  | { kind: 'refused'; status: number; body: unknown };

/** Where one rotation keeps its mapped secrets. */
export interface SecretsLocation {
  projectId: string;
  secretPath: string;
}

/**
 * With several gateway instances, the calls take turns across them and a call an instance
 * could not take goes to the next one, as a load balancer in front of them would do: any
 * call whose connection was refused (it never reached the instance), and a read whatever
 * cut it short. A write cut short after it was sent is not sent again (it may have acted).
 */
export class ChaosApi {
  private turn = 0;

  constructor(private readonly gateways: RotorApi[]) {}

  async answer<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Answer<T>> {
    let res: { status: number; body: T } | undefined;
    const first = this.turn++ % this.gateways.length;
    for (let i = 0; res === undefined; i++) {
      try {
        res = await withTimeout(this.gateways[(first + i) % this.gateways.length].call<T>(method, path, body), timeoutMs);
      } catch (e) {
        const another = i + 1 < this.gateways.length;
        if (!another || !(refused(e) || (method === 'GET' && !(e instanceof NoAnswer)))) {
          return { kind: 'unavailable', status: null, message: (e as Error).message };
        }
      }
    }
    if (res.status >= 500 || res.status === 429) return { kind: 'unavailable', status: res.status, message: JSON.stringify(res.body).slice(0, 300) };
    if (res.status >= 300) return { kind: 'refused', status: res.status, body: res.body };
    return { kind: 'ok', value: res.body };
  }

  async readSecrets(at: SecretsLocation): Promise<Answer<ServedCredential | null>> {
    const query = `projectId=${at.projectId}&environment=dev&secretPath=${encodeURIComponent(at.secretPath)}`;
    const res = await this.answer<{ secrets: Array<{ secretKey: string; secretValue: string; version: number }> }>(
      'GET',
      `/api/v3/secrets/raw?${query}`,
      undefined,
      10_000,
    );
    if (res.kind !== 'ok') return res;
    const find = (key: string) => res.value.secrets.find((s) => s.secretKey === key);
    const username = find(USERNAME_KEY);
    const password = find(PASSWORD_KEY);
    if (!username || !password) return { kind: 'ok', value: null };
    return { kind: 'ok', value: { username: username.secretValue, password: password.secretValue, version: password.version } };
  }

  rotate(id: string): Promise<Answer<{ secretRotation: Rotation }>> {
    return this.answer('POST', `${ROTATIONS}/${id}/rotate-secrets`);
  }

  get(id: string): Promise<Answer<{ secretRotation: Rotation }>> {
    return this.answer('GET', `${ROTATIONS}/${id}`);
  }

  history(id: string): Promise<Answer<{ history: HistoryEntry[] }>> {
    return this.answer('GET', `${ROTATIONS}/${id}/history`);
  }

  delete(id: string): Promise<Answer<unknown>> {
    return this.answer('DELETE', `${ROTATIONS}/${id}?deleteSecrets=true&revokeGeneratedCredentials=true`);
  }
}

class NoAnswer extends Error {}

/** fetch's error when the connection was refused: nothing listens on that instance's port. */
function refused(e: unknown): boolean {
  return ((e as { cause?: { code?: string } }).cause?.code ?? '') === 'ECONNREFUSED';
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
