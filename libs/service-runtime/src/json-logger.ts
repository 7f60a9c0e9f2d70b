import { LoggerService } from '@nestjs/common';

type Level = 'error' | 'warn' | 'info' | 'debug' | 'verbose';

/**
 * One JSON object a line on stdout. Credentials never reach a log line: callers log ids and
 * codes, and `mask` below removes anything that looks like an inline credential as a last net.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly service: string, private readonly minLevel: Level = 'info') {}

  log(message: unknown, ...params: unknown[]): void { this.write('info', message, params); }
  error(message: unknown, ...params: unknown[]): void { this.write('error', message, params); }
  warn(message: unknown, ...params: unknown[]): void { this.write('warn', message, params); }
  debug(message: unknown, ...params: unknown[]): void { this.write('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]): void { this.write('verbose', message, params); }

  /**
   * Nest's convention: the last string parameter is the context; an error's stack may come
   * before it; objects (e.g. kafkajs' error fields) are kept as `fields`, masked like the rest.
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (ORDER[level] > ORDER[this.minLevel]) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const trace = rest.find((p): p is string => typeof p === 'string');
    const objects = rest.filter((p): p is object => typeof p === 'object' && p !== null);
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, service: this.service, context, msg: mask(stringify(message)) };
    if (objects.length > 0) line['fields'] = JSON.parse(mask(JSON.stringify(Object.assign({}, ...objects))));
    if (trace) line['trace'] = mask(trace);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

const ORDER: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3, verbose: 4 };

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
