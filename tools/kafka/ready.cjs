// Readiness by a real client round trip: produce one record to a probe topic and read its
// offset back. Exit 0 when the cluster accepted and stored it (and, with --node-id N, when the
// cluster lists broker N again). With --wait MS it tries again every 250 ms for up to MS
// milliseconds in this one process, rather than the caller starting Node (~0.3 s of CPU) for
// every try. Usage: node ready.cjs host:port[,host:port…] [--node-id N] [--wait MS]
const { Kafka, logLevel } = require('kafkajs');

const brokers = process.argv[2].split(',');
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const nodeId = option('--node-id');
const waitMs = option('--wait') ?? 0;

async function check() {
  const kafka = new Kafka({ clientId: 'rotor-ready', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await admin.connect();
    if (nodeId !== undefined) {
      const { brokers: listed } = await admin.describeCluster();
      if (!listed.some((b) => b.nodeId === nodeId)) throw new Error('node not in the cluster yet');
    }
    await admin.createTopics({ topics: [{ topic: '__rotor.ready', numPartitions: 1 }], waitForLeaders: true });
    const before = await admin.fetchTopicOffsets('__rotor.ready');
    await producer.connect();
    await producer.send({ topic: '__rotor.ready', acks: -1, messages: [{ value: String(Date.now()) }] });
    const after = await admin.fetchTopicOffsets('__rotor.ready');
    if (Number(after[0].high) <= Number(before[0].high)) throw new Error('offset did not advance');
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

main().then(() => process.exit(0), () => process.exit(1));
