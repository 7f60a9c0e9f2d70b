import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditActor, resultOf } from '@rotor/audit';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/authenticated-identity';
import { hashToken } from '../auth/bearer-tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { actionOf, targetOf } from './audit-actions';
import { AuditContext, currentAuditContext } from './audit-context';
import { AuditLogWriter, NewAuditRecord } from './audit-log.writer';

/** What the client is about to receive, as far as the record needs it. */
export interface AuditedAnswer {
  statusCode: number;
  /** `error` of an error body. */
  errorCode: string | null;
  /** The id a create answered with. */
  createdId: string | null;
}

/**
 * Turns a request and its answer into an audit record: actor (identity, token id — never the
 * token), project, action, target, outcome, source, correlation id. Only names and ids are
 * taken from the request; bodies, query values other than the location and headers other
 * than the user agent never reach the record.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('audit');

  constructor(
    private readonly writer: AuditLogWriter,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** False for successful reads when GATEWAY_AUDIT_READS=false (not recommended). */
  wants(context: AuditContext, statusCode: number): boolean {
    return this.config.auditReads || context.request.method !== 'GET' || statusCode >= 400;
  }

  /** Records the answer about to be sent (in its own transaction). */
  async recordAnswer(context: AuditContext, answer: AuditedAnswer): Promise<void> {
    await this.writer.append(await this.fields(context, answer));
  }

  /**
   * Records the gateway's own change in the transaction that makes it, so neither exists
   * without the other; the answer then is not recorded again. Outside a request, nothing.
   */
  async recordChangeIn(tx: EntityManager, statusCode: number, createdId: string | null = null): Promise<void> {
    const context = currentAuditContext();
    if (!context || context.recorded) return;
    await this.writer.appendIn(tx, await this.fields(context, { statusCode, errorCode: null, createdId }));
    context.recorded = true;
  }

  private async fields(context: AuditContext, answer: AuditedAnswer): Promise<NewAuditRecord> {
    const req = context.request as AuthenticatedRequest;
    const route = routeOf(req);
    const method = req.method.toUpperCase();
    const action = actionOf(method, route);
    const where = { ...(isObject(req.body) ? req.body : {}), ...(isObject(req.query) ? req.query : {}) } as Record<string, unknown>;
    return {
      id: randomUUID(),
      occurredAt: context.startedAt.toISOString(),
      actor: await this.actorOf(req),
      projectId: context.projectId ?? null,
      action,
      target: targetOf(action, route, (req.params ?? {}) as Record<string, string>, where, answer.createdId),
      outcome: { result: resultOf(answer.statusCode, context.deniedAcrossProjects), statusCode: answer.statusCode, errorCode: answer.errorCode },
      source: { ip: req.ip ?? req.socket?.remoteAddress ?? null, userAgent: clip(req.header('user-agent') ?? null, 512) },
      correlationId: context.correlationId,
      request: { method, route },
    };
  }

  /** The identity, or for a refused token the id of that token when it exists (revoked). */
  private async actorOf(req: AuthenticatedRequest): Promise<AuditActor> {
    const identity = req.identity;
    if (identity) return { type: 'identity', identityId: identity.id, identityName: identity.name, tokenId: identity.tokenId };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
    let tokenId: string | null = null;
    if (match) {
      try {
        const rows: { id: string }[] = await this.ds.query('SELECT id FROM identity_tokens WHERE token_hash = $1', [hashToken(match[1] as string)]);
        tokenId = rows[0]?.id ?? null;
      } catch (e) {
        this.logger.warn(`token lookup for an audit record failed: ${(e as Error).message}`);
      }
    }
    return { type: 'anonymous', identityId: null, identityName: null, tokenId };
  }
}

/** The route pattern Express matched (never the raw URL). */
export function routeOf(req: { route?: { path?: unknown }; baseUrl?: string }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : '(unmatched)';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(value: string | null, max: number): string | null {
  return value === null ? null : value.slice(0, max);
}
