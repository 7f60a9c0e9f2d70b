export { testDatabaseUrl, testPostgresUrl } from './database';
export { kafkaBrokers, topicOffsets, startCollecting, collectMessages } from './kafka';
export type { CollectedMessage, CollectOptions, Collector, TopicOffsets } from './kafka';
export { uniqueSuffix } from './unique';
export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
export * from './redis-servers';
export * from './platform';
export * from './rotor-api';
