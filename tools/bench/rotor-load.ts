/**
 * Drives Rotor through its public API the way an operator's tooling would: creates rotations
 * (each create answers once the first credential set is stored), requests rotations, and
 * follows each one until its mapped secrets hold the new credential and that credential
 * authenticates to Redis.
 *
 * "Stored" is seen on the public SecretsUpdated event (the secret store publishes it from the
 * transaction that wrote the new versions, so they are readable by then); "readable" is the
 * public read API answering the new versions; "authenticated" is a fresh Redis connection
 * AUTHing with what it answered.
 */
import { randomBytes } from 'node:crypto';
import { TOPICS } from '@rotor/contracts';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { authenticates, RedisServer, sampleRotationRequest } from '@rotor/testing';
import { BenchHttp, mapConcurrent } from './http-client';
import { sleep } from './stats';

export interface BenchRotation {
  id: string;
  path: string;
  /** Secret versions the rotation's last completed request produced (1 after create). */
  version: number;
}

export interface RotationRun {
  rotationId: string;
  /** ms (performance.now()) */
  requestedAt: number;
  acceptedAt?: number;
  storedAt?: number;
  readableAt?: number;
  authenticatedAt?: number;
  attempts: number;
  error?: string;
}

const ROTATIONS = '/api/v2/secret-rotations/redis-credentials';
const USERNAME_KEY = 'REDIS_USERNAME';
const PASSWORD_KEY = 'REDIS_PASSWORD';

/** Waits for SecretsUpdated of a rotation at or above a version, from the public topic. */
export class StoredWatcher {
  private readonly consumer: Consumer;
  /** Highest version seen per rotation, and when. */
  private readonly seen = new Map<string, { version: number; at: number }>();
  private readonly waiting = new Map<string, { version: number; resolve: (at: number) => void }>();

  constructor(broker: string) {
    const kafka = new Kafka({ clientId: 'rotor-bench-watcher', brokers: broker.split(','), logLevel: logLevel.NOTHING });
    // The broker answers a fetch with its first message (minBytes 1), so the wait only bounds an
    // empty one: a short wait would poll, and the broker's CPU for that would count as Rotor's.
    this.consumer = kafka.consumer({ groupId: `rotor-bench-${randomBytes(6).toString('hex')}`, minBytes: 1, maxWaitTimeInMs: 500 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: TOPICS.secretsPublic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const at = performance.now();
        for (const m of batch.messages) this.onMessage(m.value, at);
      },
    });
    await joined;
  }

  /** Resolves with the time the versions were seen (maybe before this call), or null after timeoutMs. */
  until(rotationId: string, version: number, timeoutMs: number): Promise<number | null> {
    const seen = this.seen.get(rotationId);
    if (seen && seen.version >= version) return Promise.resolve(seen.at);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rotationId);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(rotationId, {
        version,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private onMessage(value: Buffer | null, at: number): void {
    if (!value) return;
    let event: { type?: string; payload?: { rotationId?: string | null; secrets?: Array<{ key: string; version: number }> } };
    try {
      event = JSON.parse(value.toString('utf8'));
    } catch {
      return;
    }
    const p = event.payload;
    if (event.type !== 'SecretsUpdated' || !p?.rotationId || !p.secrets?.length) return;
    const version = Math.min(...p.secrets.map((s) => s.version));
    if (version <= (this.seen.get(p.rotationId)?.version ?? 0)) return;
    this.seen.set(p.rotationId, { version, at });
    const w = this.waiting.get(p.rotationId);
    if (w && version >= w.version) {
      this.waiting.delete(p.rotationId);
      w.resolve(at);
    }
  }
}

/** At most `n` at once. */
export class Semaphore {
  private queue: Array<() => void> = [];
  private active = 0;

  constructor(private readonly n: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export class RotorDriver {
  projectId = '';
  connectionId = '';

  constructor(
    readonly api: BenchHttp,
    private readonly redis: RedisServer,
    private readonly watcher: StoredWatcher,
    private readonly adminUser: string,
    private readonly adminPassword: string,
  ) {}

  async setUp(): Promise<void> {
    const { projects } = await this.api.ok<{ projects: Array<{ id: string }> }>('GET', '/api/v1/projects');
    this.projectId = projects[0].id;
    const created = await this.api.ok<{ appConnection: { id: string } }>('POST', '/api/v1/app-connections/redis', {
      name: `bench-redis-${randomBytes(3).toString('hex')}`,
      projectId: this.projectId,
      host: this.redis.host,
      port: this.redis.port,
      username: this.adminUser,
      password: this.adminPassword,
    });
    this.connectionId = created.appConnection.id;
  }

  /** Creates `count` rotations, `concurrency` at a time; each answers once its first credential set is stored. */
  async createRotations(count: number, concurrency: number, onError: (e: Error) => void): Promise<BenchRotation[]> {
    const tag = randomBytes(3).toString('hex');
    const made = await mapConcurrent(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
      const path = `/bench-${tag}-${i}`;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          const res = await this.api.call<{ secretRotation: { id: string } }>('POST', ROTATIONS, {
            ...sampleRotationRequest(this.projectId, this.connectionId),
            name: `bench-${tag}-${i}`,
            description: 'rotor bench',
            secretPath: path,
            rotationInterval: 30,
            rotateAtUtc: { hours: 3, minutes: 0 },
            secretsMapping: { username: USERNAME_KEY, password: PASSWORD_KEY },
          }, 60_000);
          if (res.status === 200) return { id: res.body.secretRotation.id, path, version: 1 };
          throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        } catch (e) {
          if (attempt === 3) {
            onError(e as Error);
            return null;
          }
          await sleep(200 * attempt);
        }
      }
      return null;
    });
    return made.filter((r): r is BenchRotation => r !== null);
  }

  /**
   * One manual rotation, followed to the end: `requests` bounds the rotate-secrets calls in
   * flight (the clock starts when the call is sent), `verify` the reads + AUTHs; the whole
   * thing gives up after `timeoutMs`. `before` runs first (a fixed-rate schedule waits there).
   */
  async rotate(
    rotation: BenchRotation,
    o: { verify: Semaphore; requests?: Semaphore; timeoutMs: number; before?: () => Promise<void> },
  ): Promise<RotationRun> {
    const expected = rotation.version + 1;
    if (o.before) await o.before();
    const run: RotationRun = { rotationId: rotation.id, requestedAt: performance.now(), attempts: 0 };
    const request = async (): Promise<boolean> => {
      run.requestedAt = performance.now();
      const deadline = run.requestedAt + o.timeoutMs;
      // 429 and 503 are retried: the figure is about rotations, not refusals.
      for (;;) {
        run.attempts++;
        try {
          const res = await this.api.call('POST', `${ROTATIONS}/${rotation.id}/rotate-secrets`, undefined, o.timeoutMs);
          if (res.status === 200 || res.status === 202) return true; // 202: the job outlived rotate-secrets' wait
          if ((res.status !== 429 && res.status !== 503) || performance.now() > deadline) {
            run.error = `rotate-secrets answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`;
            return false;
          }
        } catch (e) {
          if (performance.now() > deadline) {
            run.error = `rotate-secrets failed: ${(e as Error).message}`;
            return false;
          }
        }
        await sleep(50 * run.attempts);
      }
    };
    if (!(await (o.requests ? o.requests.run(request) : request()))) return run;
    const deadline = run.requestedAt + o.timeoutMs;
    const timeoutMs = o.timeoutMs;
    const verify = o.verify;
    run.acceptedAt = performance.now();
    // 2. Stored: the public event with the new versions.
    const storedAt = await this.watcher.until(rotation.id, expected, Math.max(1, deadline - performance.now()));
    if (storedAt === null) {
      run.error = `no SecretsUpdated with version ${expected} within ${timeoutMs} ms`;
      return run;
    }
    run.storedAt = storedAt;
    // 3. Readable through the public API, and 4. the credential it answers authenticates.
    await verify.run(async () => {
      for (;;) {
        const read = await this.readSecrets(rotation.path);
        if (read.ok && read.version >= expected) {
          run.readableAt = performance.now();
          const slot = (expected - 1) % 2;
          if (!read.username.endsWith(`_${slot}`)) {
            run.error = `version ${read.version} names user ${read.username}, not slot ${slot}`;
            return;
          }
          if (!(await authenticates(this.redis, read.username, read.password))) {
            run.error = `the served credential of ${read.username} (version ${read.version}) does not authenticate`;
            return;
          }
          run.authenticatedAt = performance.now();
          rotation.version = expected;
          return;
        }
        if (performance.now() > deadline) {
          run.error = read.ok ? `read answered version ${read.version}, wanted ${expected}` : `read failed: ${read.error}`;
          return;
        }
        await sleep(20);
      }
    });
    return run;
  }

  private async readSecrets(
    path: string,
  ): Promise<{ ok: true; username: string; password: string; version: number } | { ok: false; error: string }> {
    const query = `projectId=${this.projectId}&environment=dev&secretPath=${encodeURIComponent(path)}`;
    const res = await this.api.call<{ secrets: Array<{ secretKey: string; secretValue: string; version: number }> }>(
      'GET',
      `/api/v3/secrets/raw?${query}`,
    );
    if (res.status !== 200) return { ok: false, error: `answered ${res.status}` };
    const u = res.body.secrets.find((s) => s.secretKey === USERNAME_KEY);
    const p = res.body.secrets.find((s) => s.secretKey === PASSWORD_KEY);
    if (!u || !p) return { ok: false, error: 'mapped secrets missing' };
    return { ok: true, username: u.secretValue, password: p.secretValue, version: Math.min(u.version, p.version) };
  }
}
