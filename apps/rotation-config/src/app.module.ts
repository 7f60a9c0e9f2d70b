import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MessagingModule } from '@rotor/messaging';
import { PostgresKafkaReadiness, ServiceRuntimeModule } from '@rotor/service-runtime';
import { ConfigModule } from './config/config.module';
import { ConnectionsModule } from './connections/connections.module';
import { CipherModule } from './crypto/cipher.module';
import { DatabaseModule } from './database/database.module';
import { RotationsModule } from './rotations/rotations.module';

@Module({
  imports: [
    ServiceRuntimeModule.forRoot({ name: 'rotation-config' }),
    ConfigModule,
    DatabaseModule,
    CipherModule,
    CqrsModule.forRoot({ rethrowUnhandled: true }),
    MessagingModule.forRoot({ clientId: 'rotation-config' }),
    ConnectionsModule,
    RotationsModule,
  ],
  providers: [PostgresKafkaReadiness],
})
export class AppModule {}
