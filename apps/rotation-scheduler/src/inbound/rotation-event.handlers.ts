import { causedBy, createEnvelope } from '@rotor/contracts';
import { Outbox } from '@rotor/event-store';
import { EventHandlers } from '@rotor/messaging';
import { Clock } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { ScheduleRepository } from '../schedule/schedule.repository';
import { gaveUp, onAttemptFailed, onCreated, onUpdated } from '../schedule/schedule-transitions';
import { Schedule, firesSooner } from '../schedule/schedule.types';
import { SchedulerRules } from '../schedule/scheduler-settings';

/**
 * The scheduler's view of rotation events (TOPICS.rotationEvents). Each runs in the consumer's
 * transaction, next to the inbox claim, so an event changes the table exactly once. Events of
 * a rotation the scheduler does not know (created before its table existed, or deleted) are
 * skipped: only RotationCreated starts a schedule.
 */
export function rotationEventHandlers(clock: Clock, rules: SchedulerRules): EventHandlers {
  return {
    RotationCreated: async (e, tx) => ScheduleRepository.save(tx, [onCreated(e.payload)]),
    RotationUpdated: async (e, tx) => {
      await change(tx, e.payload.rotationId, (s) => onUpdated(s, e.payload));
    },
    RotationDeleted: async (e, tx) => ScheduleRepository.remove(tx, e.payload.rotationId),
    // The frequent two, once per rotation each: onRequested and onCompleted in SQL, one
    // statement each (no read of the row first); test/transitions-in-sql.spec holds them to
    // the functions.
    RotationRequested: async (e, tx) => {
      await ScheduleRepository.applyRequested(tx, e.payload, new Date(clock.now().getTime() + rules.leaseMs));
    },
    RotationCompleted: async (e, tx) => {
      await ScheduleRepository.applyCompleted(tx, e.payload);
    },
    RotationAttemptFailed: async (e, tx) => {
      const now = clock.now();
      const after = await change(tx, e.payload.rotationId, (s) => onAttemptFailed(s, e.payload, now, rules));
      const final = after && gaveUp(after, e.payload, now);
      // In the same transaction as the schedule change: announced once, exactly when decided.
      if (final) await Outbox.enqueue(tx, [createEnvelope('RotationGaveUp', final.rotationId, final, { ...causedBy(e), occurredAt: now })]);
    },
  };
}

/** Applies a transition to the locked row; answers the row as saved (null: unknown rotation or stale event). */
async function change(tx: EntityManager, rotationId: string, transition: (s: Schedule) => Schedule | null): Promise<Schedule | null> {
  const current = await ScheduleRepository.lock(tx, rotationId);
  if (current === null) return null;
  const next = transition(current);
  // The due loops are woken only when the row fires sooner than they may be sleeping for.
  if (next !== null) await ScheduleRepository.save(tx, [next], { notify: firesSooner(current, next) });
  return next;
}
