/**
 * Rotor's one log line shape, whoever writes it (a service's Nest logger, or a lib's fallback
 * logger outside Nest): one JSON object per line on stdout,
 * `{ time, level, service?, context?, msg, fields?, trace? }`, masked. Credentials never reach
 * a log line — callers log ids and codes — and `mask` removes anything that looks like an
 * inline credential as a last net.
 *
 * Why not pino: the masking that matters here is of text inside messages (an ACL command, an
 * AUTH line, a driver's error), which pino's path-based `redact` does not reach; what is left
 * (JSON.stringify of one object, one write) is shorter than configuring it.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'verbose';

export const LOG_LEVEL_ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, verbose: 4 };

export interface LogEntry {
  level: LogLevel;
  service?: string;
  context?: string;
  msg: unknown;
  /** Structured extras (ids, codes, already-redacted errors), masked like the message. */
  fields?: object;
  trace?: string;
}

/** Writes `entry` as one masked JSON line on stdout. */
export function writeLogLine(entry: LogEntry): void {
  const line: Record<string, unknown> = {
    time: new Date().toISOString(),
    level: entry.level,
    service: entry.service,
    context: entry.context,
    msg: mask(stringify(entry.msg)),
  };
  if (entry.fields && Object.keys(entry.fields).length > 0) line['fields'] = JSON.parse(mask(JSON.stringify(entry.fields)));
  if (entry.trace) line['trace'] = mask(entry.trace);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function stringify(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return `${message.name}: ${message.message}`;
  try {
    return JSON.stringify(message);
  } catch {
    return String(message);
  }
}

/** Masks `password=…`, `"password":"…"`, `>pass` (ACL), `AUTH user pass` and bearer tokens. */
export function mask(text: string): string {
  return text
    .replace(/("?(?:password|secret|token|secretValue)"?\s*[:=]\s*)"[^"]*"/gi, '$1"[REDACTED]"')
    .replace(/((?:password|secret|token)=)[^\s&]+/gi, '$1[REDACTED]')
    .replace(/(\bAUTH\s+\S+\s+)\S+/gi, '$1[REDACTED]')
    .replace(/(\s)>\S+/g, '$1>[REDACTED]')
    .replace(/(Bearer\s+)\S+/gi, '$1[REDACTED]');
}
