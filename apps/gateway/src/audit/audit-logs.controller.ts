import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { verifyAuditLog } from '@rotor/audit';
import { InjectDataSource } from '@nestjs/typeorm';
import { RotorError } from '@rotor/util';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthenticatedIdentity, CurrentIdentity } from '../auth/authenticated-identity';
import { ApiAnswers, ApiQueryFrom } from '../openapi/zod-openapi';
import { parseOrThrow } from '../validation/parse-request';
import { AuditLogReader } from './audit-log.reader';
import {
  auditLogFilterSchema,
  auditLogListResponseSchema,
  auditLogVerificationResponseSchema,
  listAuditLogsQuerySchema,
  verifyAuditLogQuerySchema,
} from './audit-logs.schemas';

function requireAuditReader(identity: AuthenticatedIdentity): void {
  if (identity.isAdmin) return;
  throw new RotorError('AUTH.ADMIN_REQUIRED', 'only an admin identity may read the audit log', 'forbidden');
}

/** The audit log, for admins: filtered pages, an NDJSON export, and verification of the hash chains. */
@ApiTags('Audit log')
@Controller('api/v1/audit-logs')
export class AuditLogsController {
  constructor(
    private readonly reader: AuditLogReader,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit records, newest first, filtered and paginated by cursor (admin only)' })
  @ApiQueryFrom(listAuditLogsQuerySchema)
  @ApiAnswers(200, 'A page of records', auditLogListResponseSchema)
  async list(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown) {
    requireAuditReader(identity);
    const { cursor, limit, ...filter } = parseOrThrow(listAuditLogsQuerySchema, query, 'query');
    return this.reader.page(filter, cursor, limit);
  }

  @Get('export')
  @ApiOperation({ summary: 'Every matching record, oldest first, one JSON object per line (admin only)' })
  @ApiProduces('application/x-ndjson')
  @ApiQueryFrom(auditLogFilterSchema)
  @ApiAnswers(200, 'NDJSON: one record per line, as on the rotor.audit.v1 topic')
  async export(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown, @Res() res: Response): Promise<void> {
    requireAuditReader(identity);
    const filter = parseOrThrow(auditLogFilterSchema, query, 'query');
    res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    for await (const record of this.reader.all(filter)) {
      if (!res.write(`${JSON.stringify(record)}\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the hash chains; reports the first broken link (admin only)' })
  @ApiQueryFrom(verifyAuditLogQuerySchema)
  @ApiAnswers(200, 'The verification of each chain', auditLogVerificationResponseSchema)
  async verify(@CurrentIdentity() identity: AuthenticatedIdentity, @Query() query: unknown) {
    requireAuditReader(identity);
    const { projectId } = parseOrThrow(verifyAuditLogQuerySchema, query, 'query');
    return verifyAuditLog(this.ds, { projectId });
  }
}
