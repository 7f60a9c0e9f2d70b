import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { CLOCK } from '@rotor/util';
import { DataSource } from 'typeorm';
import { postgresCheck, ReadinessRegistry, ServiceRuntimeModule } from '@rotor/service-runtime';
import { AppConnectionsController } from './app-connections/app-connections.controller';
import { RedisConnectionsController } from './app-connections/redis-connections.controller';
import { RedisConnectionsService } from './app-connections/redis-connections.service';
import { AuditModule } from './audit/audit.module';
import { AccessService } from './auth/access.service';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { IdentityResolver } from './auth/identity-resolver.service';
import { RateLimitGuard } from './auth/rate-limit/rate-limit.guard';
import { GATEWAY_CONFIG, GatewayConfig, SERVICE_NAME, loadConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { AdminBootstrapService } from './identities/admin-bootstrap.service';
import { IdentitiesController } from './identities/identities.controller';
import { IdentitiesService } from './identities/identities.service';
import { FoldersService } from './projects/folders.service';
import { LocationService } from './projects/location.service';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { RedisCredentialsRotationsController } from './secret-rotations/redis-credentials-rotations.controller';
import { RedisCredentialsRotationsService } from './secret-rotations/redis-credentials-rotations.service';
import { SecretRotationOptionsController } from './secret-rotations/secret-rotation-options.controller';
import { SecretRotationsController } from './secret-rotations/secret-rotations.controller';
import { SecretsController } from './secrets/secrets.controller';
import { SecretsService } from './secrets/secrets.service';
import { InternalHttpClient } from './upstream/internal-http.client';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

@Module({
  imports: [ServiceRuntimeModule.forRoot({ name: SERVICE_NAME }), DatabaseModule, AuditModule],
  controllers: [
    ProjectsController,
    IdentitiesController,
    AppConnectionsController,
    RedisConnectionsController,
    SecretRotationOptionsController,
    SecretRotationsController,
    RedisCredentialsRotationsController,
    SecretsController,
    WebhooksController,
  ],
  providers: [
    // Order matters: authenticate, then rate-limit per identity.
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    IdentityResolver,
    AccessService,
    ProjectsService,
    FoldersService,
    LocationService,
    IdentitiesService,
    AdminBootstrapService,
    InternalHttpClient,
    RedisConnectionsService,
    RedisCredentialsRotationsService,
    SecretsService,
    WebhooksService,
  ],
})
export class AppModule implements OnModuleInit {
  /** Global, so the feature modules see its settings and clock. */
  static forRoot(config: GatewayConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: CLOCK, useValue: config.clock },
      ],
      exports: [GATEWAY_CONFIG, CLOCK],
    };
  }

  constructor(
    private readonly readiness: ReadinessRegistry,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.register('postgres', postgresCheck(this.ds));
  }
}
