// Readiness by a real client round trip: produce one record to a probe topic and read its
// offset back. Exit 0 when the cluster accepted and stored it (and, with --node-id N, when the
// cluster lists broker N again). Usage: node ready.cjs host:port[,host:port…] [--node-id N]
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const kafka = new Kafka({ clientId: 'rotor-ready', brokers: process.argv[2].split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await admin.connect();
    const nodeAt = process.argv.indexOf('--node-id');
    if (nodeAt > 0) {
      const { brokers } = await admin.describeCluster();
      if (!brokers.some((b) => b.nodeId === Number(process.argv[nodeAt + 1]))) throw new Error('node not in the cluster yet');
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

main().then(() => process.exit(0), () => process.exit(1));
