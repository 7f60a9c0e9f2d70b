import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdentityEntity, ProjectEntity } from '../database/entities';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ProjectsService } from '../projects/projects.service';
import { ADMIN_LOCK, IdentitiesService } from './identities.service';

export const DEFAULT_PROJECT = { name: 'Default', slug: 'default', description: 'Created on first start.' };

/**
 * First start: an admin identity (every permission in every project) and a default project.
 * The admin token is ROTOR_ADMIN_TOKEN when set, else generated and printed once to stdout;
 * only its SHA-256 is stored, so it cannot be shown again.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('bootstrap');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly identities: IdentitiesService,
    private readonly projects: ProjectsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const printed = await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_LOCK]);
      if ((await m.count(ProjectEntity)) === 0 && (await m.count(IdentityEntity)) === 0) {
        await this.projects.create(DEFAULT_PROJECT, m);
        this.logger.log('created the default project');
      }
      const admin = await m.findOne(IdentityEntity, { where: { isAdmin: true }, order: { createdAt: 'ASC' } });
      if (this.config.adminToken) {
        if (!admin) {
          await this.identities.create({ name: 'admin', isAdmin: true }, m, this.config.adminToken);
          this.logger.log('created the admin identity with the token from ROTOR_ADMIN_TOKEN');
        } else if (await this.identities.adoptToken(m, admin.id, 'ROTOR_ADMIN_TOKEN', this.config.adminToken)) {
          this.logger.log('added the token from ROTOR_ADMIN_TOKEN to the admin identity');
        }
        return null;
      }
      if (admin || (await m.count(IdentityEntity)) > 0) return null;
      return this.identities.create({ name: 'admin', isAdmin: true }, m);
    });
    if (printed) {
      // Deliberately not through the logger, which masks tokens: this is the only time it exists in clear.
      process.stdout.write(
        `${JSON.stringify({
          time: new Date().toISOString(),
          level: 'warn',
          service: 'gateway',
          context: 'bootstrap',
          msg: 'created the admin identity; its token is shown this once, store it now (or set ROTOR_ADMIN_TOKEN)',
          identityId: printed.identity.id,
          adminToken: printed.token.token,
        })}\n`,
      );
    }
  }
}
