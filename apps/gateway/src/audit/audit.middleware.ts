import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CORRELATION_ID_HEADER } from '@rotor/service-runtime';
import { AuditContext, runWithAuditContext } from './audit-context';
import { AuditRecorder } from './audit-recorder.service';

/** Only the API is audited: not health probes, metrics, the OpenAPI document or static files. */
const AUDITED = /^\/api\/v\d+\//;

/**
 * Gives every API request a correlation id (answered in `x-correlation-id`, sent to the
 * services) and records it once the answer is known, before the answer leaves: `res.end` waits
 * for the record's commit. If the record cannot be written, the client gets a 503 instead of
 * the answer (a secret is never handed out unrecorded). A change the gateway makes itself was
 * already recorded in its own transaction (AuditRecorder.recordChangeIn).
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('audit');

  constructor(private readonly recorder: AuditRecorder) {}

  use(req: Request, res: Response, next: NextFunction): void {
    // originalUrl: a middleware's req.path is relative to where it is mounted.
    if (!AUDITED.test(req.originalUrl)) return next();
    const context: AuditContext = { request: req, correlationId: randomUUID(), startedAt: new Date() };
    res.setHeader(CORRELATION_ID_HEADER, context.correlationId);
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let ending = false;
    res.end = ((...args: unknown[]) => {
      if (ending || context.recorded || !(req as { route?: unknown }).route || !this.recorder.wants(context, res.statusCode)) {
        return end(...args);
      }
      ending = true;
      const chunk = args[0];
      const answer = { statusCode: res.statusCode, errorCode: res.statusCode >= 400 ? errorCodeOf(chunk) : null, createdId: createdIdOf(req, res, chunk) };
      this.recorder.recordAnswer(context, answer).then(
        () => end(...args),
        (e: unknown) => {
          this.logger.error(`could not record ${req.method} ${req.originalUrl.split('?')[0]} in the audit log: ${(e as Error).message}`);
          if (res.headersSent) return end(...args);
          const body = JSON.stringify({
            statusCode: 503, error: 'AUDIT.UNAVAILABLE', message: 'the audit log could not record this request; nothing was answered, try again shortly', details: [],
          });
          res.statusCode = 503;
          res.removeHeader('etag');
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.setHeader('content-length', Buffer.byteLength(body));
          return end(body, 'utf8');
        },
      );
      return res;
    }) as Response['end'];
    runWithAuditContext(context, next);
  }
}

function text(chunk: unknown): string | null {
  if (typeof chunk === 'string') return chunk;
  if (Buffer.isBuffer(chunk)) return chunk.toString('utf8');
  return null;
}

function errorCodeOf(chunk: unknown): string | null {
  try {
    const body = JSON.parse(text(chunk) ?? '') as { error?: unknown };
    return typeof body.error === 'string' ? body.error.slice(0, 128) : null;
  } catch {
    return null;
  }
}

/** `{ <item>: { id } }` of a successful POST (a create); other answers are not parsed. */
function createdIdOf(req: Request, res: Response, chunk: unknown): string | null {
  if (req.method !== 'POST' || res.statusCode >= 300) return null;
  try {
    const body = JSON.parse(text(chunk) ?? '') as Record<string, unknown>;
    for (const value of Object.values(body)) {
      const id = (value as { id?: unknown } | null)?.id;
      if (typeof id === 'string') return id.slice(0, 128);
    }
  } catch {
    // not JSON
  }
  return null;
}
