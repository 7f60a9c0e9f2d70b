import { Kafka, logLevel } from 'kafkajs';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { collectMessages, kafkaBrokers, lanePort, Platform, testDatabaseUrl, testLane, topicOffsets, uniqueSuffix, waitFor, workerPort, workerSuffix } from '../src';

class CreateMarker1700000000000 implements MigrationInterface {
  readonly name = 'CreateMarker1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE marker (id int)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE marker');
  }
}

async function tables(url: string): Promise<string[]> {
  const ds = new DataSource({ type: 'postgres', url });
  await ds.initialize();
  try {
    const rows: { tablename: string }[] = await ds.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    return rows.map((r) => r.tablename);
  } finally {
    await ds.destroy();
  }
}

describe('testDatabaseUrl', () => {
  it('recreates rotor_test_<name> (rotor_test_lN_<name> in lane N) from scratch and runs the given migrations', async () => {
    const url = await testDatabaseUrl('testing_db', [CreateMarker1700000000000]);
    expect(new URL(url).pathname).toBe(testLane() === 0 ? '/rotor_test_testing_db' : `/rotor_test_l${testLane()}_testing_db`);
    expect(await tables(url)).toEqual(['marker', 'migrations']);

    expect(await tables(await testDatabaseUrl('testing_db'))).toEqual([]);
  });

  it('refuses a name that is not a plain identifier', async () => {
    await expect(testDatabaseUrl('bad-name; DROP')).rejects.toThrow('test database name must be [a-z0-9_]');
  });
});

describe('a platform per Jest worker', () => {
  const worker = process.env['JEST_WORKER_ID'];
  afterEach(() => {
    if (worker === undefined) delete process.env['JEST_WORKER_ID'];
    else process.env['JEST_WORKER_ID'] = worker;
  });

  it('keeps the lane’s ports and names in the first worker and moves them in the others', () => {
    process.env['JEST_WORKER_ID'] = '1';
    expect(workerPort(18080)).toBe(lanePort(18080));
    const first = new Platform({ logDir: 'tmp/testing-spec-logs-w1' });
    process.env['JEST_WORKER_ID'] = '2';
    expect(workerPort(18080)).toBe(lanePort(18080) + 1000);
    expect(workerSuffix('_e2e')).toBe(testLane() === 0 ? '_e2e_w2' : `_e2e_w2_l${testLane()}`);
    const second = new Platform({ logDir: 'tmp/testing-spec-logs-w2' });

    expect(second.url()).not.toBe(first.url());
    expect(second.kafkaBroker()).not.toBe(first.kafkaBroker());
    expect(second.databaseNames().filter((db) => first.databaseNames().includes(db))).toEqual([]);
  });
});

describe('kafkaBrokers', () => {
  it('finds the local broker', async () => {
    expect(await kafkaBrokers()).toEqual((process.env['KAFKA_BROKERS'] || '127.0.0.1:9092').split(','));
  });

  it('says how to start a broker when none answers', async () => {
    const saved = process.env['KAFKA_BROKERS'];
    process.env['KAFKA_BROKERS'] = '127.0.0.1:1';
    try {
      await jest.isolateModulesAsync(async () => {
        const { kafkaBrokers: isolated } = await import('../src/kafka');
        await expect(isolated()).rejects.toThrow(/No Kafka broker answers at 127\.0\.0\.1:1.*tools\/kafka\/kafka\.sh up/);
      });
    } finally {
      if (saved === undefined) delete process.env['KAFKA_BROKERS'];
      else process.env['KAFKA_BROKERS'] = saved;
    }
  });
});

describe('collectMessages', () => {
  // The first consumer group on a fresh broker waits for __consumer_offsets to be created.
  jest.setTimeout(30_000);

  it('returns what landed after the snapshot and passes the filter', async () => {
    const kafka = new Kafka({ clientId: 'rotor-test-collect', brokers: await kafkaBrokers(), logLevel: logLevel.NOTHING });
    const topic = `rotor.test.collect.${uniqueSuffix()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'a', value: 'before' }] });
      const since = await topicOffsets(kafka, topic);
      await producer.send({ topic, messages: [{ key: 'b', value: 'skip me' }, { key: 'a', value: 'after' }] });

      const got = await collectMessages(kafka, topic, 1, { since, filter: (m) => m.key === 'a' });
      expect(got.map((m) => [m.value, m.offset])).toEqual([['after', '2']]);
    } finally {
      await producer.disconnect();
    }
  });
});

describe('waitFor and uniqueSuffix', () => {
  it('returns the first truthy value, or names what it waited for', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).toBe(3);
    await expect(waitFor(() => false, { timeoutMs: 30, message: 'Godot' })).rejects.toThrow('timed out after 30 ms waiting for Godot');
  });

  it('makes distinct lowercase ids', () => {
    const ids = new Set(Array.from({ length: 100 }, uniqueSuffix));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+$/);
  });
});
