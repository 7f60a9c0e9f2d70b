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
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
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
function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof RotorError) {
    return { statusCode: STATUS_BY_KIND[exception.kind], error: exception.code, message: exception.message, details: exception.details };
  }
  const bodyError = bodyReadError(exception);
  if (bodyError) return bodyError;
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
 * The errors body-parser raises while it reads a body (http-errors with a `type`), each a 4xx
 * that names the body: a charset it cannot decode or a compression it does not know is 415,
 * a body over the limit 413, anything else it refused (bad JSON, aborted, wrong length) 400.
 * body-parser marks some of these 500 (an unsupported charset is one), but none is the
 * server's fault, so none may answer 5xx.
 */
const BODY_READ_ERRORS: Record<string, { statusCode: number; error: string; message: string; detail: string }> = {
  'entity.parse.failed': { statusCode: 400, error: 'REQUEST.MALFORMED_JSON', message: 'request body is not valid JSON', detail: 'is not valid JSON' },
  'entity.too.large': { statusCode: 413, error: 'REQUEST.TOO_LARGE', message: 'request body is too large', detail: 'is larger than the limit' },
  'parameters.too.many': { statusCode: 413, error: 'REQUEST.TOO_LARGE', message: 'request body has too many parameters', detail: 'has too many parameters' },
  'charset.unsupported': {
    statusCode: 415, error: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: 'request body charset is not supported; send UTF-8 JSON', detail: 'charset must be utf-8',
  },
  'encoding.unsupported': {
    statusCode: 415, error: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: 'request body encoding is not supported; send it uncompressed', detail: 'content-encoding must be identity',
  },
};
const UNREADABLE_BODY = { statusCode: 400, error: 'REQUEST.MALFORMED_BODY', message: 'request body could not be read', detail: 'could not be read' };

function bodyReadError(e: unknown): ErrorBody | null {
  const { type, status, expose } = typeof e === 'object' && e !== null ? (e as { type?: unknown; status?: unknown; expose?: unknown }) : {};
  // Typed errors name what failed; a decompression failure (a "gzip" body that is not) comes as
  // a bare http-error: status 400, exposable, no type.
  const typed = typeof type === 'string' && typeof status === 'number' && /^(entity|request|stream|charset|encoding|parameters|querystring)\./.test(type);
  const exposedClientError = expose === true && typeof status === 'number' && status >= 400 && status < 500;
  const fromBodyParser = typed || exposedClientError;
  // As Nest's router re-throws a JSON SyntaxError: a BadRequestException carrying only its
  // text (our own code raises RotorErrors, never a bare 400).
  const parseFailed = e instanceof BadRequestException && /JSON/.test(e.message);
  const known = parseFailed ? BODY_READ_ERRORS['entity.parse.failed'] : fromBodyParser ? (BODY_READ_ERRORS[String(type)] ?? UNREADABLE_BODY) : null;
  if (!known) return null;
  return { statusCode: known.statusCode, error: known.error, message: known.message, details: [{ field: 'body', message: known.detail }] };
}
