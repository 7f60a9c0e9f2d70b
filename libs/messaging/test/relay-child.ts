/**
 * A relay in its own process, for the crash test: after its Nth batch reached Kafka (and
 * before the batch is marked published) it says so on stdout and hangs, so the parent can
 * `kill -9` it exactly inside the publish → mark window.
 * Usage: node -r @swc-node/register relay-child.ts <databaseUrl> <brokers> <batchSize> <hangAfterBatch>
 */
import { Kafka } from 'kafkajs';
import { createDataSource } from '@rotor/event-store';
import { OutboxRelay, createKafka } from '../src';

async function main(): Promise<void> {
  const [url, brokers, batchSize, hangAfter] = process.argv.slice(2);
  const kafka = createKafka({ clientId: 'rotor-test-relay-child', brokers: brokers.split(','), logLevel: 'error' });
  hangAfterBatch(kafka, Number(hangAfter));
  const ds = createDataSource({ url });
  await ds.initialize();
  await new OutboxRelay(ds, kafka, { batchSize: Number(batchSize), pollIntervalMs: 100 }).start();
  process.stdout.write('STARTED\n');
}

function hangAfterBatch(kafka: Kafka, n: number): void {
  const producer = kafka.producer.bind(kafka);
  kafka.producer = (config) => {
    const p = producer(config);
    const sendBatch = p.sendBatch.bind(p);
    let batches = 0;
    p.sendBatch = async (batch) => {
      const result = await sendBatch(batch);
      if (++batches === n) {
        process.stdout.write(`PUBLISHED ${batches}\n`);
        await new Promise(() => undefined);
      }
      return result;
    };
    return p;
  };
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
