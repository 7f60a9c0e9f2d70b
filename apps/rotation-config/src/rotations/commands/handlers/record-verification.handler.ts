import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AnyEnvelope, causedBy, createEnvelope, Envelope } from '@rotor/contracts';
import { Outbox } from '@rotor/event-store';
import { ROTOR_ITSELF, RotationState } from '@rotor/rotation-domain';
import { CLOCK, Clock } from '@rotor/util';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { countHeal } from '../../heal-metrics';
import { RotationCommandRunner } from '../../rotation-command-runner';
import { RecordVerificationCommand } from '../record-verification.command';

interface VerificationRow {
  verification_status: 'healthy' | 'drifted' | 'unverifiable' | null;
  verified_generation: number | null;
  drifted_at: Date | null;
  project_id: string;
  environment_slug: string;
  secret_path: string;
}

/**
 * A check of the served credentials (CredentialsVerified) → the rotation's verification fields;
 * a transition to drifted → RotationDrifted, and back to healthy → RotationHealed (events for
 * other services); drifted → a 'heal' rotation through the normal path, unless one is in flight.
 *
 * Why a rotation rather than re-applying the lost user: the rotation's new credential is set
 * and verified on every node before the secret store serves it, so a heal can never promote a
 * credential that does not work, touches only the non-served slot (Rotor's own user), and
 * reuses every guarantee of a rotation (one in flight, leases, fencing, audit). Re-applying
 * the served password would write the served user itself while clients use it, and need the
 * active password opened outside the rotation path. A heal that fails is a failed rotation
 * (status, message); the executor re-checks with backoff and the next drifted result asks again.
 */
@CommandHandler(RecordVerificationCommand)
export class RecordVerificationHandler implements ICommandHandler<RecordVerificationCommand> {
  private readonly logger = new Logger('RecordVerification');

  constructor(
    private readonly runner: RotationCommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ event, tx }: RecordVerificationCommand): Promise<void> {
    const p = event.payload;
    const rows: VerificationRow[] = await tx.query(
      `SELECT verification_status, verified_generation, drifted_at, project_id, environment_slug, secret_path
         FROM rotations WHERE id = $1 FOR UPDATE`,
      [p.rotationId],
    );
    const row = rows[0];
    if (!row) return; // deleted meanwhile
    // Results arrive in order per rotation, but one about a generation already replaced says nothing now.
    if (row.verified_generation !== null && p.generation < row.verified_generation) return;
    const { state } = await this.runner.load(p.rotationId, tx);
    if (servesNewerGeneration(state, p.generation)) return;

    const wasDrifted = row.verification_status === 'drifted';
    const driftedAt = p.status === 'drifted' ? (row.drifted_at ?? new Date(p.verifiedAt)) : p.status === 'healthy' ? null : row.drifted_at;
    await tx.query(
      `UPDATE rotations SET verification_status = $2, last_verified_at = $3, last_verification_message = $4,
              verified_generation = $5, drifted_at = $6
        WHERE id = $1`,
      [p.rotationId, p.status, p.verifiedAt, p.message, p.generation, driftedAt],
    );

    const location = { projectId: row.project_id, environment: row.environment_slug, secretPath: row.secret_path };
    const transitions: AnyEnvelope[] = [];
    if (p.status === 'drifted' && !wasDrifted) {
      transitions.push(createEnvelope('RotationDrifted', p.rotationId, {
        rotationId: p.rotationId, ...location, generation: p.generation, failures: p.failures, message: p.message, detectedAt: p.verifiedAt,
      }, causedBy(event)));
    }
    if (p.status === 'healthy' && wasDrifted) {
      transitions.push(createEnvelope('RotationHealed', p.rotationId, {
        rotationId: p.rotationId, ...location, generation: p.generation,
        driftedAt: (row.drifted_at ?? new Date(p.verifiedAt)).toISOString(), healedAt: p.verifiedAt,
      }, causedBy(event)));
      countHeal('healed');
      this.logger.log(`rotation ${p.rotationId}: served credential healthy again (generation ${p.generation})`);
    }
    await Outbox.enqueue(tx, transitions);

    if (p.status === 'drifted') await this.heal(event, tx);
  }

  private async heal(event: Envelope<'CredentialsVerified'>, tx: EntityManager): Promise<void> {
    const p = event.payload;
    const { events } = await this.runner.execute(
      p.rotationId,
      [{ type: 'RequestRotation', reason: 'heal', jobId: randomUUID(), dueAt: null, now: this.clock.now(), requestedBy: ROTOR_ITSELF }],
      { tx, envelope: causedBy(event) },
    );
    if (events.length > 0) {
      countHeal('requested');
      this.logger.warn(`rotation ${p.rotationId}: ${p.message} Healing with a rotation.`);
    }
  }
}

/**
 * True when the rotation has since completed a newer generation than the one checked: the
 * last attempt succeeded, so it serves its latest generation. (After a failed attempt the
 * served generation is not in the state; the executor drops results about credentials it no
 * longer serves, which covers that case.)
 */
function servesNewerGeneration(state: RotationState, checked: number): boolean {
  return state.status !== 'active' || (state.lastAttempt?.outcome === 'success' && state.inFlight === null && checked < state.generation);
}
