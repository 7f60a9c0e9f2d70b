import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ensureDatabase } from '@rotor/event-store';
import { ROTATION_CONFIG_SETTINGS, RotationConfigSettings } from '../config';
import { createAppDataSource } from '../data-source';

/**
 * Postgres `rotor_config`: the event store (es_events, outbox, inbox) and this service's own
 * tables. The database is created if missing and migrated on start; never `synchronize`.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ROTATION_CONFIG_SETTINGS],
      useFactory: (settings: RotationConfigSettings) => ({ type: 'postgres' as const, url: settings.databaseUrl }),
      dataSourceFactory: async (options) => {
        const url = (options as { url: string }).url;
        await ensureDatabase(url);
        const ds = createAppDataSource(url);
        await ds.initialize();
        await ds.runMigrations({ transaction: 'each' });
        return ds;
      },
    }),
  ],
})
export class DatabaseModule {}
