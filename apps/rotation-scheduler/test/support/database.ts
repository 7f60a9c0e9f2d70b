import { EVENT_STORE_MIGRATIONS } from '@rotor/event-store';
import { testDatabaseUrl } from '@rotor/testing';
import { DataSource } from 'typeorm';
import { createAppDataSource } from '../../src/data-source';
import { MIGRATIONS } from '../../src/migrations';
import { ScheduleRepository } from '../../src/schedule/schedule.repository';
import { Schedule } from '../../src/schedule/schedule.types';

/** A fresh `rotor_test_scheduler_<name>` database with the scheduler's migrations applied. */
export function schedulerTestDatabase(name: string): Promise<string> {
  return testDatabaseUrl(`scheduler_${name}`, [...EVENT_STORE_MIGRATIONS, ...MIGRATIONS]);
}

export async function connect(url: string): Promise<DataSource> {
  return createAppDataSource(url).initialize();
}

/** A schedule waiting for its regular due time, as after a completed rotation. */
export function scheduledRow(rotationId: string, nextDueAt: Date, over: Partial<Schedule> = {}): Schedule {
  return {
    rotationId,
    projectId: 'project-1',
    enabled: true,
    intervalDays: 1,
    rotateAtUtc: '10:00',
    nextDueAt,
    dueAt: null,
    attempt: 0,
    retryAt: null,
    inFlightJobId: null,
    generation: 1,
    leaseExpiresAt: null,
    status: 'scheduled',
    lastMessage: null,
    ...over,
  };
}

export async function seed(ds: DataSource, rows: Schedule[]): Promise<void> {
  await ds.transaction((tx) => ScheduleRepository.save(tx, rows));
}

export interface OutboxEntry {
  id: number;
  topic: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
}

/** What the scheduler wrote to its outbox, in commit order. */
export async function outbox(ds: DataSource): Promise<OutboxEntry[]> {
  const rows: { id: string; topic: string; key: string; envelope: { type: string; payload: Record<string, unknown> } }[] =
    await ds.query('SELECT id, topic, key, envelope FROM outbox ORDER BY id');
  return rows.map((r) => ({ id: Number(r.id), topic: r.topic, key: r.key, type: r.envelope.type, payload: r.envelope.payload }));
}
