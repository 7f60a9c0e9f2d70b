import { isRotorError } from '@rotor/util';
import { IHeaders, KafkaMessage } from 'kafkajs';

/** Headers a dead-lettered message carries, next to the original key, value and headers. */
export const DLQ_HEADERS = {
  error: 'rotor-dlq-error',
  sourceTopic: 'rotor-dlq-source-topic',
  sourcePartition: 'rotor-dlq-source-partition',
  sourceOffset: 'rotor-dlq-source-offset',
  consumerGroup: 'rotor-dlq-consumer-group',
  attempts: 'rotor-dlq-attempts',
  failedAt: 'rotor-dlq-failed-at',
} as const;

const MAX_ERROR_LENGTH = 2000;
const REDACTED = '[REDACTED]';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
  attempts: number;
  error: string;
}

/** The message to publish on `<topic>.dlq`: the original, plus why it could not be handled. */
export function deadLetterMessage(src: DeadLetterSource): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  return {
    key: src.message.key,
    value: src.message.value,
    headers: {
      ...src.message.headers,
      [DLQ_HEADERS.error]: withoutPasswords(src.error, src.message.value).slice(0, MAX_ERROR_LENGTH),
      [DLQ_HEADERS.sourceTopic]: src.topic,
      [DLQ_HEADERS.sourcePartition]: String(src.partition),
      [DLQ_HEADERS.sourceOffset]: src.message.offset,
      [DLQ_HEADERS.consumerGroup]: src.groupId,
      [DLQ_HEADERS.attempts]: String(src.attempts),
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    },
  };
}

/** `Name [CODE]: message` of whatever a handler threw. */
export function describeError(e: unknown): string {
  if (isRotorError(e)) return `${e.name} [${e.code}]: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `non-error thrown: ${String(e)}`;
}

/**
 * Errors are redacted where they are raised; as a last line of defence, the value of any field
 * whose name contains "password" in the message itself is masked out of the error text, so a
 * handler that echoes its input cannot copy a credential into Kafka headers. Works on broken
 * JSON too (that is what lands here).
 */
export function withoutPasswords(text: string, raw: Buffer | null): string {
  if (!raw) return text;
  const values = new Set<string>();
  const field = /"([^"\\]*password[^"\\]*)"\s*:\s*"((?:[^"\\]|\\.)*)"/gi;
  for (const match of raw.toString('utf8').matchAll(field)) {
    const escaped = match[2];
    values.add(escaped);
    try {
      values.add(JSON.parse(`"${escaped}"`) as string);
    } catch {
      // not a valid JSON string: the escaped form above is all there is
    }
  }
  let result = text;
  for (const value of [...values].filter(Boolean).sort((a, b) => b.length - a.length)) {
    result = result.split(value).join(REDACTED);
  }
  return result;
}
