import { Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';
import { LogLevel, LoggerLike, jsonLogger } from './logger';

export interface CreateKafkaOptions {
  clientId: string;
  /** Default: KAFKA_BROKERS (comma-separated), else 127.0.0.1:9092. */
  brokers?: string[];
  /** Where kafkajs' own log lines go (a Nest Logger works); default: `jsonLogger('kafkajs')`. */
  logger?: LoggerLike;
  /** kafkajs is chatty; default 'warn'. */
  logLevel?: LogLevel;
}

const KAFKAJS_LEVEL: Record<LogLevel, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['KAFKA_BROKERS'] || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
}

/**
 * A kafkajs client with its logs routed to `logger`. Every producer this lib creates names its
 * partitioner explicitly (the Java-compatible murmur2 default, so keys land where other
 * clients put them); the env flag below only silences kafkajs' one-time notice for producers
 * created elsewhere with the same client.
 */
export function createKafka(opts: CreateKafkaOptions): Kafka {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const logger = opts.logger ?? jsonLogger('kafkajs', opts.logLevel ?? 'warn');
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers ?? brokersFromEnv(),
    logLevel: KAFKAJS_LEVEL[opts.logLevel ?? 'warn'],
    logCreator: () => (entry: LogEntry) => route(logger, entry),
  });
}

/**
 * Errors kafkajs logs and then retries by itself, typically while a fresh broker elects its
 * coordinators: worth a warning, not an error that pages someone.
 */
const TRANSIENT = /coordinator is (not available|loading)|not the correct coordinator|no leader for this topic-partition|leader is not available|does not host this topic-partition|Restarting the consumer/i;

function route(logger: LoggerLike, { namespace, level, log }: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
  const line = `${namespace}: ${message}`;
  const extra = { ...fields };
  const transient = TRANSIENT.test(`${message} ${String((fields as { error?: unknown }).error ?? '')}`);
  if (level === KafkaLogLevel.ERROR && !transient) logger.error(line, extra);
  else if (level === KafkaLogLevel.ERROR) logger.warn(line, extra);
  else if (level === KafkaLogLevel.WARN) logger.warn(line, extra);
  else if (level === KafkaLogLevel.INFO) logger.log(line, extra);
  else logger.debug?.(line, extra);
}
