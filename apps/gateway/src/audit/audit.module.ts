import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuditLogReader } from './audit-log.reader';
import { AuditLogWriter } from './audit-log.writer';
import { AuditLogsController } from './audit-logs.controller';
import { AuditRecorder } from './audit-recorder.service';
import { AuditRelay } from './audit-relay';
import { AuditMiddleware } from './audit.middleware';

/**
 * The audit log: one record per API request (AuditMiddleware, AuditRecorder), chained per
 * project (AuditLogWriter), readable by admins (AuditLogsController) and published to
 * `rotor.audit.v1` (AuditRelay). AuditRecorder is exported for the gateway's own changes.
 */
@Module({
  controllers: [AuditLogsController],
  providers: [AuditLogWriter, AuditLogReader, AuditRecorder, AuditRelay, AuditMiddleware],
  exports: [AuditRecorder],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditMiddleware).forRoutes('{*path}');
  }
}
