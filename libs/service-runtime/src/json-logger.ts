import { LoggerService } from '@nestjs/common';

type Level = 'error' | 'warn' | 'info' | 'debug' | 'verbose';

/**
 * One JSON object a line on stdout. Credentials never reach a log line: callers log ids and
 * codes, and `mask` below removes anything that looks like an inline credential as a last net.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly service: string, private readonly minLevel: Level = 'info') {}

  log(message: unknown, context?: string): void { this.write('info', message, context); }
  error(message: unknown, trace?: string, context?: string): void { this.write('error', message, context ?? trace); }
  warn(message: unknown, context?: string): void { this.write('warn', message, context); }
  debug(message: unknown, context?: string): void { this.write('debug', message, context); }
  verbose(message: unknown, context?: string): void { this.write('verbose', message, context); }

  private write(level: Level, message: unknown, context?: string): void {
    if (ORDER[level] > ORDER[this.minLevel]) return;
    const line = { time: new Date().toISOString(), level, service: this.service, context, msg: mask(stringify(message)) };
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
