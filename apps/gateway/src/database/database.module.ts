import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ensureDatabase } from '@rotor/event-store';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { dataSourceOptions } from '../data-source';

/** The gateway's own Postgres database, created if missing and migrated at start (never synchronized). */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [GATEWAY_CONFIG],
      useFactory: async (config: GatewayConfig) => {
        await ensureDatabase(config.databaseUrl);
        return { ...dataSourceOptions(config.databaseUrl), migrationsRun: true };
      },
    }),
  ],
})
export class DatabaseModule {}
