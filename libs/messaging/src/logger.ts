import { LOG_LEVEL_ORDER, writeLogLine } from '@rotor/util';

/**
 * What the messaging lib logs through: Nest's `Logger` fits as is, so apps route these lines
 * into their own logging; without one, `jsonLogger` writes Rotor's one log line shape
 * (`writeLogLine` in @rotor/util: masked JSON on stdout, the same as a service's Nest logger).
 * Log lines never carry message payloads, only ids, topics and (already redacted) errors.
 */
export interface LoggerLike {
  log(message: string, ...fields: unknown[]): void;
  warn(message: string, ...fields: unknown[]): void;
  error(message: string, ...fields: unknown[]): void;
  debug?(message: string, ...fields: unknown[]): void;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export function jsonLogger(context: string, level: LogLevel = 'warn'): LoggerLike {
  const write = (lvl: LogLevel) => (message: string, ...fields: unknown[]) => {
    if (LOG_LEVEL_ORDER[lvl] > LOG_LEVEL_ORDER[level]) return;
    const extra = Object.assign({}, ...fields.filter((f): f is object => typeof f === 'object' && f !== null));
    writeLogLine({ level: lvl, context, msg: message, fields: extra });
  };
  return { error: write('error'), warn: write('warn'), log: write('info'), debug: write('debug') };
}
