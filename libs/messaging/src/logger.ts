/**
 * What the messaging lib logs through: Nest's `Logger` fits as is, so apps route these lines
 * into their own logging; without one, `jsonLogger` writes one JSON object per line to stderr.
 * Log lines never carry message payloads, only ids, topics and (already redacted) errors.
 */
export interface LoggerLike {
  log(message: string, ...fields: unknown[]): void;
  warn(message: string, ...fields: unknown[]): void;
  error(message: string, ...fields: unknown[]): void;
  debug?(message: string, ...fields: unknown[]): void;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function jsonLogger(context: string, level: LogLevel = 'warn'): LoggerLike {
  const write = (lvl: LogLevel) => (message: string, ...fields: unknown[]) => {
    if (RANK[lvl] > RANK[level]) return;
    const extra = Object.assign({}, ...fields.filter((f): f is object => typeof f === 'object' && f !== null));
    process.stderr.write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), context, msg: message, ...extra })}\n`);
  };
  return { error: write('error'), warn: write('warn'), log: write('info'), debug: write('debug') };
}
