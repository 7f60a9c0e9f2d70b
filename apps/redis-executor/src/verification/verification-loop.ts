import { AnyEnvelope, createEnvelope } from '@rotor/contracts';
import { EnvelopeCipher } from '@rotor/crypto';
import { Outbox } from '@rotor/event-store';
import { Clock, WakeableSleep } from '@rotor/util';
import { DataSource } from 'typeorm';
import { CredentialInUse, RotationProviderError, RotationProviders } from '../providers';
import { nextCheckAfter, nextRegularCheck, summarize, VerificationSettings, VerificationSummary } from './verification-outcome';
import { VerificationTarget, VerificationTargets } from './verification-targets';

export interface VerificationLoopDeps {
  ds: DataSource;
  clock: Clock;
  cipher: EnvelopeCipher;
  providers: RotationProviders;
  settings: VerificationSettings;
  logger: { log(message: string): void; warn(message: string): void; error(message: string): void };
  onResult?: (status: VerificationSummary['status']) => void;
  random?: () => number;
}

/**
 * Checks served credentials: each second, claims at most `maxPerSecond` rotations due for a
 * check (FOR UPDATE SKIP LOCKED, their next check moved ahead in the same short transaction,
 * so instances share the work and a crash only delays a check), asks every node with a fresh
 * connection per credential (`concurrency` rotations at once), then records the result and
 * publishes CredentialsVerified through the outbox. Redis is never asked inside a
 * transaction. A result is dropped when a rotation changed the row meanwhile: it was about
 * credentials that are no longer the ones served.
 */
export class VerificationLoop {
  private running = false;
  private loop?: Promise<void>;
  private readonly sleeper = new WakeableSleep();
  private readonly random: () => number;

  constructor(private readonly deps: VerificationLoopDeps) {
    this.random = deps.random ?? Math.random;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.sleeper.interrupt();
    await this.loop;
  }

  /** One round: claim what is due (at most one second's worth), check it, record it. Returns how many. */
  async tick(): Promise<number> {
    const { ds, clock, settings } = this.deps;
    const now = clock.now();
    const due = await ds.transaction((tx) =>
      VerificationTargets.claimDue(tx, now, settings.maxPerSecond, () => nextRegularCheck(now, settings, this.random())),
    );
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const target = due[next++];
        await this.verify(target);
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, due.length) }, worker));
    return due.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        await this.tick();
      } catch (e) {
        this.deps.logger.error(`verification round failed; retrying: ${(e as Error).message}`);
      }
      // One round per second at most: the rate limit is maxPerSecond rotations a second.
      const wait = 1000 - (Date.now() - started);
      if (wait > 0 && this.running) await this.sleeper.sleep(wait, { wakeable: false });
    }
  }

  private async verify(target: VerificationTarget): Promise<void> {
    const summary = await this.check(target);
    const now = this.deps.clock.now();
    const recorded = await this.deps.ds.transaction(async (tx) => {
      const current = await VerificationTargets.lock(tx, target.rotationId);
      if (!current || !sameCredentials(current, target)) return false;
      const failedChecks = summary.status === 'healthy' ? 0 : current.failedChecks + 1;
      const driftedSince = summary.status === 'drifted' ? (current.driftedSince ?? now) : summary.status === 'healthy' ? null : current.driftedSince;
      await VerificationTargets.recordCheck(tx, target.rotationId, {
        status: summary.status,
        driftedSince,
        failedChecks,
        verifyAt: nextCheckAfter(summary.status, failedChecks, now, this.deps.settings, this.random()),
      });
      await Outbox.enqueue(tx, [this.credentialsVerified(target, summary, now)]);
      return true;
    });
    if (!recorded) return;
    this.deps.onResult?.(summary.status);
    if (summary.status !== 'healthy') this.deps.logger.warn(`rotation ${target.rotationId}: ${summary.message}`);
  }

  /** The served credential, and the one it replaced while that must still work, on every node. */
  private async check(target: VerificationTarget): Promise<VerificationSummary> {
    const credentials: CredentialInUse[] = [];
    try {
      for (const [label, index] of [['active', target.activeIndex], ['previous', target.previousIndex]] as const) {
        const slot = index === null ? undefined : target.credentials[String(index) as '0' | '1'];
        if (!slot) continue;
        const password = this.deps.cipher.open(slot.password, { projectId: target.projectId, owner: target.rotationId, field: 'password' });
        credentials.push({ label, username: slot.username, password });
      }
    } catch {
      return { status: 'unverifiable', failures: [], nodes: [], message: `The sealed credential of rotation ${target.rotationId} cannot be decrypted (wrong root key?).` };
    }
    if (credentials.length === 0) return { status: 'unverifiable', failures: [], nodes: [], message: 'No served credential is known to this executor.' };
    try {
      const result = await this.deps.providers[target.provider].checkCredentials({
        projectId: target.projectId,
        connectionId: target.connection.connectionId,
        connection: target.connection,
        credentials,
      });
      return summarize(result.nodes, result.checks);
    } catch (e) {
      if (e instanceof RotationProviderError) return { status: 'unverifiable', failures: [], nodes: [], message: `[${e.code}] ${e.message}` };
      throw e;
    }
  }

  private credentialsVerified(target: VerificationTarget, summary: VerificationSummary, now: Date): AnyEnvelope {
    return createEnvelope('CredentialsVerified', target.rotationId, {
      rotationId: target.rotationId,
      projectId: target.projectId,
      generation: target.activeGeneration ?? 1,
      status: summary.status,
      failures: summary.failures,
      nodes: summary.nodes,
      message: summary.message,
      verifiedAt: now.toISOString(),
    });
  }
}

/** Still the same served and previous credentials as when the check was claimed? */
function sameCredentials(a: VerificationTarget, b: VerificationTarget): boolean {
  const gen = (t: VerificationTarget, i: 0 | 1 | null) => (i === null ? null : t.credentials[String(i) as '0' | '1']?.generation ?? null);
  return a.activeGeneration === b.activeGeneration && a.activeIndex === b.activeIndex && a.previousIndex === b.previousIndex
    && gen(a, a.previousIndex) === gen(b, b.previousIndex);
}
