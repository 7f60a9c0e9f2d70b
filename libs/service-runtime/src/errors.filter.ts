import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { RotorError, RotorErrorKind, isDatabaseUnavailable } from '@rotor/util';

const STATUS_BY_KIND: Record<RotorErrorKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  internal: HttpStatus.INTERNAL_SERVER_ERROR,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: { field: string; message: string }[];
}

/** Turns any error into `{ statusCode, error: <stable code>, message, details }`. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof RotorError) {
    return { statusCode: STATUS_BY_KIND[exception.kind], error: exception.code, message: exception.message, details: exception.details };
  }
  if (isBodyParserError(exception)) {
    return { statusCode: 400, error: 'REQUEST.MALFORMED_JSON', message: 'request body is not valid JSON', details: [{ field: 'body', message: 'is not valid JSON' }] };
  }
  if (isDatabaseUnavailable(exception)) {
    // A restart or failover of Postgres: nothing wrong with the request, try it again shortly.
    return { statusCode: 503, error: 'SERVICE.DATABASE_UNAVAILABLE', message: 'the database is unavailable; try again shortly', details: [] };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
    return { statusCode: status, error: `HTTP.${status}`, message: Array.isArray(message) ? message.join('; ') : String(message), details: [] };
  }
  return { statusCode: 500, error: 'INTERNAL', message: 'internal error', details: [] };
}

@Catch()
export class RotorExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      // The message may come from a driver; only its class and our code are logged.
      this.logger.error(`${body.error}: ${exception instanceof Error ? exception.name : typeof exception}`);
    }
    const response = host.switchToHttp().getResponse<Response>();
    response.status(body.statusCode).json(body);
  }
}

/**
 * body-parser's error, raw, or as Nest's router re-throws it: a BadRequestException carrying
 * only the SyntaxError's text (our own code raises RotorErrors, never a bare 400).
 */
function isBodyParserError(e: unknown): boolean {
  if (typeof e === 'object' && e !== null && (e as { type?: string }).type === 'entity.parse.failed') return true;
  return e instanceof BadRequestException && /JSON/.test(e.message);
}
