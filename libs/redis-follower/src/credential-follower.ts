import { createRotorClient, type RotorClient } from '@rotor/api-client';
import { EventEmitter } from 'node:events';
import { describeCredential, isNewer, withDefaults, type CredentialLocation, type CredentialVersion, type RedisCredential } from './credential';
import { SecretsUpdatedListener, type KafkaUpdates } from './kafka-listener';
import { readCredential, readCredentialAt } from './read-credential';
import type { Announcement } from './secrets-updated';

export interface FollowOptions {
  /** The gateway and a token allowed to read the secrets, or a client made with @rotor/api-client. */
  rotor: { baseUrl: string; token: string | (() => string | undefined) } | { client: RotorClient };
  /** Where the credential lives: project, environment, folder, the two secret names. */
  credential: CredentialLocation;
  /** Follow `SecretsUpdated` on `rotor.secrets.public.v1` (the fast way). */
  kafka?: KafkaUpdates;
  /**
   * Re-read the secrets this often. Without `kafka` this is how rotations are noticed (default
   * 30 s); with it, a backstop for a missed event (default 5 minutes).
   */
  pollIntervalMs?: number;
}

export interface CredentialFollowerEvents {
  /** A newer credential is in use (the password is never part of it). */
  updated: [CredentialVersion];
  /** Reading or applying a credential failed; the follower retries by itself. Never holds a password. */
  error: [Error];
}

const MAX_RETRY_MS = 30_000;

/**
 * Holds a client and keeps its credential current: reads the pair at start, then on every
 * announcement (Kafka) or poll, reads it again and, when newer, hands it to `apply`. Updates run
 * one at a time in arrival order; a failed one is retried with backoff until it succeeds.
 */
export class CredentialFollower<C> extends EventEmitter<CredentialFollowerEvents> {
  private held: RedisCredential | undefined;
  private queue: Promise<void> = Promise.resolve();
  private listener: SecretsUpdatedListener | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 1_000;
  private closed = false;
  private readonly location: Required<CredentialLocation>;
  private readonly api: RotorClient;
  private clientRef: C | undefined;

  constructor(
    private readonly options: FollowOptions,
    private readonly make: (credential: RedisCredential) => C,
    private readonly apply: (client: C, credential: RedisCredential) => Promise<void>,
    private readonly shutdown: (client: C) => Promise<void>,
  ) {
    super();
    this.location = withDefaults(options.credential);
    this.api = 'client' in options.rotor ? options.rotor.client : createRotorClient({ baseUrl: options.rotor.baseUrl, token: options.rotor.token, headers: { 'user-agent': 'rotor-redis-follower' } });
  }

  /** The client; its credential follows the rotations until close(). */
  get client(): C {
    if (!this.clientRef) throw new Error('the follower has not started');
    return this.clientRef;
  }

  /** The username and secret versions in use (never the password). */
  current(): CredentialVersion {
    if (!this.held) throw new Error('the follower has not started');
    return describeCredential(this.held);
  }

  /** Reads the credential, makes the client, then starts listening and polling. */
  async start(): Promise<this> {
    if (this.options.kafka) {
      // Listen first, so an event published while the client is made is not missed.
      this.listener = new SecretsUpdatedListener(this.options.kafka, this.location, {
        onAnnouncement: (a) => this.enqueue(a),
        onInvalid: (reason) => this.report(new Error(`ignored a message on the public topic: ${reason}`)),
        onFailure: (e) => this.report(new Error(`stopped listening on the public topic (${e.message}); listening again shortly`)),
        // What was published while no consumer ran may have been missed: read the secrets now.
        onResumed: () => void this.enqueue('reload'),
      });
      await this.listener.start();
    }
    try {
      this.held = await readCredential(this.api, this.location);
      this.clientRef = this.make(this.held);
    } catch (e) {
      await this.listener?.stop();
      throw e;
    }
    const interval = this.options.pollIntervalMs ?? (this.options.kafka ? 300_000 : 30_000);
    this.pollTimer = setInterval(() => void this.enqueue('reload'), interval);
    this.pollTimer.unref();
    return this;
  }

  /** Reads the secrets now and applies them when newer; true when the credential changed. */
  async refresh(): Promise<boolean> {
    const before = this.held;
    await this.enqueue('reload');
    return this.held !== before;
  }

  /** Stops following and closes the client. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.listener?.stop();
    await this.queue;
    if (this.clientRef) await this.shutdown(this.clientRef);
  }

  private enqueue(announcement: Announcement): Promise<void> {
    this.queue = this.queue.then(() => this.update(announcement));
    return this.queue;
  }

  private async update(announcement: Announcement): Promise<void> {
    if (this.closed || !this.clientRef) return;
    const held = this.held;
    if (held && announcement !== 'reload' && announcement.username <= held.usernameVersion && announcement.password <= held.passwordVersion) return;
    try {
      const next = announcement === 'reload' ? await readCredential(this.api, this.location) : await readCredentialAt(this.api, this.location, announcement);
      if (!isNewer(next, this.held)) return;
      await this.apply(this.clientRef, next);
      this.held = next;
      this.retryMs = 1_000;
      this.emit('updated', describeCredential(next));
    } catch (e) {
      this.report(e as Error);
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.enqueue('reload');
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private report(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else process.emitWarning(error.message, 'RotorRedisFollower');
  }
}
