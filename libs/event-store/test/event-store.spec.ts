import { TOPICS } from '@rotor/contracts';
import { sampleRotationDue as due, testDatabaseUrl, uniqueSuffix } from '@rotor/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  EVENT_STORE_MIGRATIONS, EventStore, Inbox, Outbox, VersionConflictError, createDataSource, ensureDatabase,
} from '../src';

let url: string;
let ds: DataSource;
let store: EventStore;

beforeAll(async () => {
  url = await testDatabaseUrl('event_store', EVENT_STORE_MIGRATIONS);
  ds = createDataSource({ url });
  await ds.initialize();
  store = new EventStore(ds);
});

afterAll(() => ds?.destroy());

const stream = () => `rotation-${uniqueSuffix()}`;
const outboxRowsFor = (key: string) =>
  ds.query('SELECT topic, key, envelope, published_at FROM outbox WHERE key = $1 ORDER BY id', [key]) as Promise<
    { topic: string; key: string; envelope: { eventId: string }; published_at: Date | null }[]
  >;

describe('schema', () => {
  it('is exactly what the entity schemas describe (migration and entities do not drift)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('creates a missing database once and leaves an existing one alone', async () => {
    const name = `rotor_test_es_ensure_${uniqueSuffix()}`;
    const target = new URL(url);
    target.pathname = `/${name}`;
    await ensureDatabase(target.toString());
    await ensureDatabase(target.toString());
    const rows = await ds.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(rows).toHaveLength(1);
    await ds.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    // CREATE and DROP DATABASE copy a template and checkpoint: seconds on a Postgres that the
    // other suites keep busy.
  }, 60_000);
});

describe('EventStore', () => {
  it('appends to a new stream and reads the same envelopes back in version order', async () => {
    const id = stream();
    const events = [due(id, 1), due(id, 2), due(id, 3)];
    const result = await store.append(id, 0, events);

    expect(result.version).toBe(3);
    expect(result.positions.map(BigInt)).toEqual([...result.positions.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    const read = await store.readStream(id);
    expect(read.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(read.map((e) => e.event)).toEqual(events);
    expect(read.map((e) => e.position)).toEqual(result.positions);
  });

  it('continues a stream from the version the caller read', async () => {
    const id = stream();
    await store.append(id, 0, [due(id, 1)]);
    const result = await store.append(id, 1, [due(id, 2)]);
    expect(result.version).toBe(2);
    expect((await store.readStream(id)).map((e) => e.event.payload)).toMatchObject([{ attempt: 1 }, { attempt: 2 }]);
  });

  it('rejects an append with a stale expected version and writes nothing', async () => {
    const id = stream();
    await store.append(id, 0, [due(id, 1), due(id, 2)]);

    const stale = store.append(id, 1, [due(id, 99)]);
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ code: 'EVENT_STORE.VERSION_CONFLICT', kind: 'conflict' });
    expect(await store.readStream(id)).toHaveLength(2);
    expect(await outboxRowsFor(id)).toHaveLength(2);
  });

  it('rejects an expected version ahead of the stream (no gaps in versions)', async () => {
    const id = stream();
    await store.append(id, 0, [due(id, 1)]);
    await expect(store.append(id, 5, [due(id, 2)])).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('lets exactly one of many concurrent appends at the same version win', async () => {
    const id = stream();
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.append(id, 0, [due(id, i + 1)])));

    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const l of lost) expect(l.reason).toBeInstanceOf(VersionConflictError);
    expect(await store.readStream(id)).toHaveLength(1);
    expect(await outboxRowsFor(id)).toHaveLength(1);
  });

  it('maps a UNIQUE(stream_id, version) violation to VersionConflictError (a caller on a stale snapshot)', async () => {
    const id = stream();
    const runner = ds.createQueryRunner();
    await runner.startTransaction('REPEATABLE READ');
    try {
      await runner.query('SELECT count(*) FROM es_events'); // the snapshot is taken here
      await store.append(id, 0, [due(id, 1)]); // someone else commits version 1
      const stale = store.append(id, 0, [due(id, 2)], runner.manager); // still sees an empty stream
      await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
      await expect(stale).rejects.toMatchObject({ code: 'EVENT_STORE.VERSION_CONFLICT', kind: 'conflict' });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await store.readStream(id)).map((e) => e.event.payload)).toMatchObject([{ attempt: 1 }]);
  });

  it('refuses an event that breaks its contract, before writing anything', async () => {
    const id = stream();
    const bad = { ...due(id), payload: { ...due(id).payload, attempt: 0 } };
    await expect(store.append(id, 0, [due(id, 1), bad])).rejects.toMatchObject({ code: 'EVENT_STORE.INVALID_EVENT' });
    expect(await store.readStream(id)).toHaveLength(0);
  });

  it('checks again an event changed after createEnvelope built and checked it', async () => {
    const id = stream();
    const changed = due(id, 1);
    (changed.payload as { attempt: number }).attempt = 0;
    await expect(store.append(id, 0, [changed])).rejects.toMatchObject({ code: 'EVENT_STORE.INVALID_EVENT' });
    const plaintext = due(id, 1);
    (plaintext.payload as unknown as Record<string, unknown>)['password'] = 'plain';
    await expect(store.append(id, 0, [plaintext])).rejects.toMatchObject({ code: 'EVENT_STORE.INVALID_EVENT' });
    expect(await store.readStream(id)).toHaveLength(0);
  });

  it('refuses the same eventId twice', async () => {
    const id = stream();
    const event = due(id);
    await store.append(id, 0, [event]);
    await expect(store.append(`${id}-other`, 0, [event])).rejects.toMatchObject({ code: 'EVENT_STORE.DUPLICATE_EVENT' });
  });

  it('leaves the caller\'s transaction usable after a stale expected version, so it can retry in place', async () => {
    const id = stream();
    await store.append(id, 0, [due(id, 1)]);
    await ds.transaction(async (tx) => {
      await expect(store.append(id, 0, [due(id, 2)], tx)).rejects.toMatchObject({ expectedVersion: 0, actualVersion: 1 });
      await store.append(id, 1, [due(id, 3)], tx);
    });
    expect((await store.readStream(id)).map((e) => e.event.payload)).toMatchObject([{ attempt: 1 }, { attempt: 3 }]);
    expect(await outboxRowsFor(id)).toHaveLength(2);
  });

  it('runs alsoWrite in the append\'s statement, and only when the events are appended', async () => {
    await ds.query('CREATE TABLE IF NOT EXISTS stream_notes (stream_id text PRIMARY KEY, note text NOT NULL)');
    const id = stream();
    const note = (text: string) => ({
      alsoWrite: (params: unknown[], onlyIf: string) => {
        params.push(id, text);
        return `INSERT INTO stream_notes SELECT $${params.length - 1}, $${params.length} WHERE ${onlyIf}
                ON CONFLICT (stream_id) DO UPDATE SET note = EXCLUDED.note`;
      },
    });
    const notes = () => ds.query('SELECT note FROM stream_notes WHERE stream_id = $1', [id]);
    await store.append(id, 0, [due(id, 1)], undefined, note('first'));
    expect(await notes()).toEqual([{ note: 'first' }]);
    await expect(store.append(id, 0, [due(id, 2)], undefined, note('stale'))).rejects.toBeInstanceOf(VersionConflictError);
    expect(await notes()).toEqual([{ note: 'first' }]);
    await store.append(id, 1, [due(id, 3)], undefined, note('second'));
    expect(await notes()).toEqual([{ note: 'second' }]);
  });

  it('lets appends to different streams commit without waiting for each other', async () => {
    const a = stream();
    const b = stream();
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      await store.append(a, 0, [due(a)], runner.manager);
      // Would wait for the open transaction if appends were serialised.
      await store.append(b, 0, [due(b)]);
      expect(await store.readStream(b)).toHaveLength(1);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await store.readStream(a)).toHaveLength(1);
  });
});

describe('outbox written with the append', () => {
  it('holds one row per appended event: topic from the contract, key = aggregate id', async () => {
    const id = stream();
    const events = [due(id, 1), due(id, 2)];
    await store.append(id, 0, events);

    const rows = await outboxRowsFor(id);
    expect(rows.map((r) => [r.topic, r.key, r.envelope.eventId, r.published_at])).toEqual(
      events.map((e) => [TOPICS.schedulerEvents, id, e.eventId, null]),
    );
  });

  it('leaves no event and no outbox row when the transaction around the append fails', async () => {
    const id = stream();
    await expect(
      ds.transaction(async (tx) => {
        await store.append(id, 0, [due(id, 1)], tx);
        throw new Error('the handler failed after appending');
      }),
    ).rejects.toThrow('the handler failed');

    expect(await store.readStream(id)).toHaveLength(0);
    expect(await outboxRowsFor(id)).toHaveLength(0);
  });

  it('leaves no outbox row when the append itself fails half-way (second event collides)', async () => {
    const id = stream();
    const taken = due(`${id}-first`);
    await store.append(`${id}-first`, 0, [taken]);
    await expect(store.append(id, 0, [due(id, 1), taken])).rejects.toMatchObject({ code: 'EVENT_STORE.DUPLICATE_EVENT' });
    expect(await outboxRowsFor(id)).toHaveLength(0);
  });

  it('notifies rotor_outbox when, and only when, the append commits', async () => {
    const listener = new Client({ connectionString: url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.channel));
      await listener.query('LISTEN rotor_outbox');

      const id = stream();
      await ds.transaction(async (tx) => {
        await store.append(id, 0, [due(id, 1)], tx);
        await new Promise((r) => setTimeout(r, 200));
        expect(heard).toEqual([]);
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual(['rotor_outbox']);
    } finally {
      await listener.end();
    }
  });

  it('Outbox.enqueue writes rows for services that are not event-sourced', async () => {
    const id = stream();
    await ds.transaction((tx) => Outbox.enqueue(tx, [due(id, 1)]));
    expect(await outboxRowsFor(id)).toHaveLength(1);
  });
});

describe('Inbox', () => {
  it('claims an event once per consumer', async () => {
    const eventId = due('x').eventId;
    expect(await ds.transaction((tx) => Inbox.claim(tx, 'consumer-a', eventId))).toBe(true);
    expect(await ds.transaction((tx) => Inbox.claim(tx, 'consumer-a', eventId))).toBe(false);
    expect(await ds.transaction((tx) => Inbox.claim(tx, 'consumer-b', eventId))).toBe(true);
  });

  it('forgets a claim whose transaction rolled back', async () => {
    const eventId = due('x').eventId;
    await expect(
      ds.transaction(async (tx) => {
        expect(await Inbox.claim(tx, 'consumer-a', eventId)).toBe(true);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await ds.transaction((tx) => Inbox.claim(tx, 'consumer-a', eventId))).toBe(true);
  });
});

describe('retention', () => {
  const HOUR = 3_600_000;
  const age = (table: 'outbox' | 'inbox', column: string, where: string, params: unknown[], hours: number) =>
    ds.query(`UPDATE ${table} SET ${column} = now() - make_interval(hours => ${hours}) WHERE ${where}`, params);

  it('prunes published outbox rows older than the retention, oldest first, never an unpublished one', async () => {
    const [oldPublished, recentPublished, oldUnpublished, older] = [stream(), stream(), stream(), stream()];
    for (const key of [older, oldPublished, recentPublished, oldUnpublished]) {
      await ds.transaction((tx) => Outbox.enqueue(tx, [due(key)]));
    }
    await age('outbox', 'published_at', 'key = ANY($1)', [[older, oldPublished]], 30);
    await age('outbox', 'published_at', 'key = $1', [recentPublished], 0);
    await age('outbox', 'created_at', 'key = $1', [oldUnpublished], 30);

    // A batch of one takes the oldest row (lowest id) first.
    expect(await Outbox.prunePublished(ds, 24 * HOUR, 1)).toBe(1);
    expect(await outboxRowsFor(older)).toEqual([]);
    expect(await outboxRowsFor(oldPublished)).toHaveLength(1);

    expect(await Outbox.prunePublished(ds, 24 * HOUR)).toBe(1);
    expect(await outboxRowsFor(oldPublished)).toEqual([]);
    expect(await outboxRowsFor(recentPublished)).toHaveLength(1);
    expect(await outboxRowsFor(oldUnpublished)).toHaveLength(1);
    expect(await Outbox.prunePublished(ds, 24 * HOUR)).toBe(0);
  });

  it("prunes one consumer's old inbox claims: those events count as new again, the others do not", async () => {
    const consumer = `consumer-${uniqueSuffix()}`;
    const other = `consumer-${uniqueSuffix()}`;
    const [old, recent] = [due('x').eventId, due('x').eventId];
    await ds.transaction(async (tx) => {
      await Inbox.claimAll(tx, consumer, [old, recent]);
      await Inbox.claim(tx, other, old);
    });
    await age('inbox', 'processed_at', 'event_id = $1', [old], 200);

    expect(await Inbox.prune(ds, consumer, 168 * HOUR)).toBe(1);
    expect(await Inbox.prune(ds, consumer, 168 * HOUR)).toBe(0);
    expect(await ds.transaction((tx) => Inbox.claim(tx, consumer, old))).toBe(true);
    expect(await ds.transaction((tx) => Inbox.claim(tx, consumer, recent))).toBe(false);
    expect(await ds.transaction((tx) => Inbox.claim(tx, other, old))).toBe(false);
  });
});
