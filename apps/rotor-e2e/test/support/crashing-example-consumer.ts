/**
 * Runs docs/events/example-consumer.ts with its consumer's first message ending in an error
 * kafkajs does not restart from (crashEveryKafkaConsumer), and prints what its onStopped heard.
 *
 *   node -r ./tools/register.cjs apps/rotor-e2e/test/support/crashing-example-consumer.ts <brokers> <projectId>
 */
import { crashEveryKafkaConsumer } from '@rotor/testing';
import { join } from 'node:path';

/** What this script uses of the example, loaded the way its users run it (a file of docs/, not a project). */
interface Example {
  consumeSecretsUpdated(options: {
    brokers: string[];
    groupId: string;
    projectId: string;
    environment: string;
    onReload: () => Promise<void>;
    onStopped: (error: Error) => void;
  }): Promise<() => Promise<void>>;
}

crashEveryKafkaConsumer({ left: 1 });

async function main(): Promise<void> {
  const [brokers, projectId] = process.argv.slice(2);
  const example = (await import(join(__dirname, '../../../../docs/events/example-consumer.ts'))) as Example;
  await example.consumeSecretsUpdated({
    brokers: brokers.split(','),
    groupId: `example-consumer-crash-${process.pid}`,
    projectId,
    environment: 'dev',
    onReload: async () => undefined,
    onStopped: (e) => {
      process.stdout.write(`stopped: ${e.message}\n`);
      process.exit(0);
    },
  });
  process.stdout.write('listening\n');
}

void main();
