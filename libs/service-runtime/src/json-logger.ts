import { LoggerService } from '@nestjs/common';
import { LOG_LEVEL_ORDER, LogLevel, writeLogLine } from '@rotor/util';

/**
 * Nest's logger for every service: Rotor's one log line shape (`writeLogLine` in @rotor/util:
 * one masked JSON object a line on stdout), with the service's name on every line.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly service: string, private readonly minLevel: LogLevel = 'info') {}

  log(message: unknown, ...params: unknown[]): void { this.write('info', message, params); }
  error(message: unknown, ...params: unknown[]): void { this.write('error', message, params); }
  warn(message: unknown, ...params: unknown[]): void { this.write('warn', message, params); }
  debug(message: unknown, ...params: unknown[]): void { this.write('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]): void { this.write('verbose', message, params); }

  /**
   * Nest's convention: the last string parameter is the context; an error's stack may come
   * before it; objects (e.g. kafkajs' error fields) are kept as `fields`, masked like the rest.
   */
  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    if (LOG_LEVEL_ORDER[level] > LOG_LEVEL_ORDER[this.minLevel]) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const trace = rest.find((p): p is string => typeof p === 'string');
    const objects = rest.filter((p): p is object => typeof p === 'object' && p !== null);
    writeLogLine({ level, service: this.service, context, msg: message, fields: Object.assign({}, ...objects), trace });
  }
}
