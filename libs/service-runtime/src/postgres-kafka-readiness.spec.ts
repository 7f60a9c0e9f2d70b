import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { KAFKA } from '@rotor/messaging';
import { PostgresKafkaReadiness } from './postgres-kafka-readiness';
import { ReadinessRegistry } from './readiness';

describe('PostgresKafkaReadiness', () => {
  it('registers a Postgres and a Kafka check on the module it is provided in', async () => {
    let brokerUp = true;
    const moduleRef = await Test.createTestingModule({
      providers: [
        ReadinessRegistry,
        PostgresKafkaReadiness,
        { provide: getDataSourceToken(), useValue: { query: async () => [{ '?column?': 1 }] } },
        {
          provide: KAFKA,
          useValue: {
            admin: () => ({
              connect: async () => undefined,
              describeCluster: async () => {
                if (!brokerUp) throw new Error('broker gone');
              },
              disconnect: async () => undefined,
            }),
          },
        },
      ],
    }).compile();
    await moduleRef.init();
    const readiness = moduleRef.get(ReadinessRegistry);

    expect(await readiness.run()).toEqual({ ready: true, checks: { postgres: 'up', kafka: 'up' } });
    brokerUp = false;
    expect(await readiness.run()).toEqual({ ready: false, checks: { postgres: 'up', kafka: 'down: broker gone' } });
    await moduleRef.close();
  });
});
