import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TOPICS, parseEnvelope } from '@rotor/contracts';
import { EVENT_STORE_MIGRATIONS, EventStore, createDataSource } from '@rotor/event-store';
import {
  CollectedMessage, Collector, kafkaBrokers, startCollecting, testDatabaseUrl, topicOffsets, uniqueSuffix, waitFor,
} from '@rotor/testing';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { OutboxRelay, createKafka, ensureTopics } from '../src';
import { NEXT_BATCH, prepareRelaySession } from '../src/outbox-relay';
import { sessionClient } from '../src/pg-session';
import { due } from './fixtures';

// RotationDue events travel on the scheduler topic, which other tests share: every test
// reads only what lands after its start, and only the keys it made.
const topic = TOPICS.schedulerEvents;
const workspace = join(__dirname, '../../..');

let brokers: string[];
let kafka: Kafka;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  brokers = await kafkaBrokers();
  kafka = createKafka({ clientId: 'rotor-test-relay', brokers, logLevel: 'error' });
  await ensureTopics(kafka, [topic]);
});

afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function database(name: string): Promise<{ ds: DataSource; url: string; store: EventStore }> {
  const url = await testDatabaseUrl(name, EVENT_STORE_MIGRATIONS);
  const ds = createDataSource({ url });
  await ds.initialize();
  cleanup.push(() => ds.destroy());
  return { ds, url, store: new EventStore(ds) };
}

async function collect(keys: string[]): Promise<Collector> {
  const wanted = new Set(keys);
  const collector = await startCollecting(kafka, topic, {
    since: await topicOffsets(kafka, topic),
    filter: (m) => m.key !== null && wanted.has(m.key),
  });
  cleanup.push(() => collector.stop());
  return collector;
}

function relay(ds: DataSource, opts: ConstructorParameters<typeof OutboxRelay>[2] = {}): OutboxRelay {
  const r = new OutboxRelay(ds, kafka, { pollIntervalMs: 200, ...opts });
  cleanup.push(() => r.stop());
  return r;
}

/**
 * A relay in another process (relay-child.ts) that hangs once its `hangAfter`th batch of
 * `batchSize` reached Kafka, before marking it: resolves then, for the test to kill -9 it.
 */
async function hangingRelay(url: string, batchSize: number, hangAfter: number): Promise<{ kill(): void; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'relay-child.ts'), url, brokers.join(','), String(batchSize), String(hangAfter)], {
    cwd: workspace,
    env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '../tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const kill = () => child.kill('SIGKILL');
  cleanup.push(async () => {
    kill();
    await exited;
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  await waitFor(() => stdout.includes(`PUBLISHED ${hangAfter}`), { timeoutMs: 20_000, message: `the child relay to publish batch ${hangAfter}` });
  return { kill, exited };
}

const eventIdOf = (m: CollectedMessage) => {
  const parsed = parseEnvelope(m.value);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event.eventId;
};

/** Appends `perKey` events to each key's stream, interleaving the keys, a few events per append. */
async function appendInterleaved(store: EventStore, keys: string[], perKey: number): Promise<Map<string, number>> {
  const versionOf = new Map<string, number>();
  for (let version = 0; version < perKey; version += 4) {
    for (const key of keys) {
      const events = Array.from({ length: Math.min(4, perKey - version) }, (_, i) => due(key, version + i + 1));
      await store.append(key, version, events);
      events.forEach((e, i) => versionOf.set(e.eventId, version + i + 1));
    }
  }
  return versionOf;
}

describe('OutboxRelay', () => {
  it('survives a kill -9 between publish and mark: every event arrives, per key in version order', async () => {
    const { ds, url, store } = await database('relay_kill');
    const keys = Array.from({ length: 5 }, (_, i) => `rot-${uniqueSuffix()}-${i}`);
    const versionOf = await appendInterleaved(store, keys, 60);
    expect(versionOf.size).toBe(300);
    const collector = await collect(keys);

    // A relay in another process publishes two batches of 40, then a third that it never marks.
    const child = await hangingRelay(url, 40, 3);
    child.kill();
    expect(await child.exited).toBeNull(); // killed by a signal, not exited

    expect(await relay(ds).backlog()).toBe(300 - 80);
    await relay(ds, { batchSize: 50 }).start();
    await collector.waitFor((ms) => new Set(ms.map(eventIdOf)).size === 300, 20_000);

    // The third batch went out twice: the crash really fell between publish and mark.
    expect(collector.messages.length).toBeGreaterThanOrEqual(340);
    for (const key of keys) {
      const firstSeen: number[] = [];
      const seen = new Set<string>();
      for (const m of collector.messages.filter((m) => m.key === key)) {
        const id = eventIdOf(m);
        if (!seen.has(id)) firstSeen.push(versionOf.get(id) as number);
        seen.add(id);
      }
      expect(firstSeen).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    }
    // Marking follows publishing, so the last batch may be seen on Kafka a moment before it is marked.
    await waitFor(async () => (await ds.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n === 0, {
      timeoutMs: 10_000,
      message: 'every outbox row to be marked published',
    });
  }, 40_000);

  it('lets one relay per database publish; a standby takes over when it stops', async () => {
    const { ds, store } = await database('relay_standby');
    const keys = [`rot-${uniqueSuffix()}`];
    const collector = await collect(keys);
    const [a, b] = [relay(ds), relay(ds)];
    await a.start();
    await b.start();
    await waitFor(() => a.isActive() || b.isActive(), { message: 'one relay to become active' });
    const [active, standby] = a.isActive() ? [a, b] : [b, a];

    await store.append(keys[0], 0, Array.from({ length: 30 }, (_, i) => due(keys[0], i + 1)));
    await collector.waitFor(30);
    await waitFor(async () => (await active.backlog()) === 0, { message: 'the outbox to drain' });
    await new Promise((r) => setTimeout(r, 500));
    expect(collector.messages).toHaveLength(30); // nobody published a row twice
    expect(standby.isActive()).toBe(false);

    await active.stop();
    await store.append(keys[0], 30, [due(keys[0], 31)]);
    await collector.waitFor(31);
    expect(standby.isActive()).toBe(true);
  }, 30_000);

  it('hands the outbox to a standby in another process within seconds of a kill -9 of the active one', async () => {
    const { ds, url, store } = await database('relay_takeover');
    const key = `rot-${uniqueSuffix()}`;
    await store.append(key, 0, Array.from({ length: 10 }, (_, i) => due(key, i + 1)));
    const collector = await collect([key]);

    // The active relay, in a process of its own, hangs after its first batch holding the lock.
    const child = await hangingRelay(url, 4, 1);
    // Polling the lock at the services' default (1 s), so the measured time is a deployment's.
    const standby = relay(ds, { pollIntervalMs: 1000 });
    await standby.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(standby.isActive()).toBe(false);

    const killedAt = Date.now();
    child.kill();
    await child.exited;
    await waitFor(() => standby.isActive(), { timeoutMs: 10_000, intervalMs: 10, message: 'the standby relay to take over' });
    console.log(`standby relay active ${Date.now() - killedAt} ms after the active one was killed -9`);
    await collector.waitFor((ms) => new Set(ms.map(eventIdOf)).size === 10, 20_000);
  }, 60_000);

  it('is woken by the commit NOTIFY, not by its poll', async () => {
    const { ds, store } = await database('relay_listen');
    const key = `rot-${uniqueSuffix()}`;
    const collector = await collect([key]);
    const r = relay(ds, { pollIntervalMs: 60_000 });
    await r.start();
    await waitFor(() => r.isActive(), { message: 'the relay to become active' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it fall asleep on an empty outbox

    const appended = Date.now();
    await store.append(key, 0, [due(key)]);
    await collector.waitFor(1, 5_000);
    expect(Date.now() - appended).toBeLessThan(5_000);
  }, 20_000);

  it('with lingerMs, publishes the rows committed while it lingers in one batch', async () => {
    const { ds, store } = await database('relay_linger');
    const key = `rot-${uniqueSuffix()}`;
    const collector = await collect([key]);
    const r = relay(ds, { pollIntervalMs: 60_000, lingerMs: 1_500 });
    await r.start();
    await waitFor(() => r.isActive(), { message: 'the relay to become active' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it fall asleep on an empty outbox

    // Five commits 100 ms apart: without the linger, each is a batch of its own.
    for (let version = 0; version < 5; version++) {
      await store.append(key, version, [due(key, version + 1)]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await collector.waitFor(5, 10_000);
    await r.stop(); // marks the last batch published
    const [{ batches }]: { batches: number }[] = await ds.query(
      'SELECT count(DISTINCT published_at)::int AS batches FROM outbox WHERE published_at IS NOT NULL',
    );
    expect(batches).toBe(1);
    expect(collector.messages.map(eventIdOf)).toHaveLength(5);
  }, 30_000);

  it('deletes published rows once past their retention, as the active relay', async () => {
    const { ds, store } = await database('relay_prune');
    const key = `rot-${uniqueSuffix()}`;
    const collector = await collect([key]);
    const r = relay(ds, { retentionMs: 0, pruneIntervalMs: 100 });
    await store.append(key, 0, [due(key), due(key, 2)]);
    await r.start();

    await collector.waitFor(2);
    await waitFor(async () => (await ds.query('SELECT count(*)::int AS n FROM outbox'))[0].n === 0, {
      message: 'the published rows to be pruned',
    });
    expect(await r.backlog()).toBe(0);
  });

  it("selects each batch by walking the unpublished index, not revisiting what was published", async () => {
    const { ds } = await database('relay_plan');
    // 2,000 rows published and 2 waiting, no statistics: the case where the planner's own
    // choice (a bitmap scan) reads every published row again on each select.
    await ds.query(
      `INSERT INTO outbox (topic, key, envelope, published_at)
       SELECT 'rotor.test', 'k', '{}'::jsonb, CASE WHEN i <= 2000 THEN now() END FROM generate_series(1, 2002) AS i`,
    );
    const session = sessionClient(ds, 'rotor-test-relay-plan');
    await session.connect();
    cleanup.push(() => session.end());
    await prepareRelaySession(session);

    const { rows } = await session.query(`EXPLAIN (FORMAT JSON) ${NEXT_BATCH}`, [[], 500]);
    const nodes: string[] = [];
    const walk = (n: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: unknown[] }) => {
      nodes.push(`${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`);
      for (const child of n.Plans ?? []) walk(child as typeof n);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    expect(nodes).toContain('Index Scan outbox_unpublished_idx');
    expect(nodes.filter((n) => /Bitmap|Seq Scan/.test(n))).toEqual([]);
  });
});
