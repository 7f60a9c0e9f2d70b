import { AnyEnvelope, Envelope, causedBy, createEnvelope, rotationOf } from '@rotor/contracts';
import { Outbox } from '@rotor/event-store';
import { EventHandlers } from '@rotor/messaging';
import { Clock } from '@rotor/util';
import { EntityManager } from 'typeorm';
import { JobEventItem, ScheduleRepository } from '../schedule/schedule.repository';
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
    // the functions. Most are applied already, many in a statement, by prepareJobEvents.
    RotationRequested: async (e, tx) => {
      if (appliedAhead.get(tx)?.delete(e.eventId)) return;
      await ScheduleRepository.applyRequested(tx, e.payload, leaseFrom(clock, rules));
    },
    RotationCompleted: async (e, tx) => {
      if (appliedAhead.get(tx)?.delete(e.eventId)) return;
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

/** The RotationRequested / RotationCompleted events prepareJobEvents applied, per transaction. */
const appliedAhead = new WeakMap<EntityManager, Set<string>>();

function leaseFrom(clock: Clock, rules: SchedulerRules): Date {
  return new Date(clock.now().getTime() + rules.leaseMs);
}

/**
 * The consumer's prepare: applies a transaction's RotationRequested and RotationCompleted
 * events before their handlers run, many rotations a statement (ScheduleRepository
 * .applyJobEvents), so a burst costs a statement per transaction rather than one per event.
 * Only rotations with no other event in the transaction: their events keep their order
 * among themselves (a rotation seen again starts the next statement), and nothing else in
 * the transaction reads or writes their rows. Their handlers then find them applied.
 */
export function prepareJobEvents(clock: Clock, rules: SchedulerRules): (events: AnyEnvelope[], tx: EntityManager) => Promise<void> {
  return async (events, tx) => {
    const others = new Set(events.flatMap((e) => (isJobEvent(e) ? [] : [rotationOf(e)])));
    const statements: { items: JobEventItem[]; ids: Set<string> }[] = [];
    const applied: string[] = [];
    for (const e of events) {
      if (!isJobEvent(e) || others.has(e.payload.rotationId)) continue;
      let last = statements[statements.length - 1];
      if (!last || last.ids.has(e.payload.rotationId)) statements.push((last = { items: [], ids: new Set() }));
      last.ids.add(e.payload.rotationId);
      last.items.push(e.type === 'RotationRequested' ? { requested: e.payload, leaseExpiresAt: leaseFrom(clock, rules) } : { completed: e.payload });
      applied.push(e.eventId);
    }
    if (applied.length < 2) return; // one event: its handler's own statement costs the same
    for (const { items } of statements) await ScheduleRepository.applyJobEvents(tx, items);
    appliedAhead.set(tx, new Set(applied));
  };
}

function isJobEvent(e: AnyEnvelope): e is Envelope<'RotationRequested'> | Envelope<'RotationCompleted'> {
  return e.type === 'RotationRequested' || e.type === 'RotationCompleted';
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
