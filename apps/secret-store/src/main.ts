import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapService } from '@rotor/service-runtime';
import { loadConfig } from './config';
import { SECRET_STORE_NAME, SecretStoreModule } from './secret-store.module';

@Module({ imports: [SecretStoreModule.forRoot(loadConfig())] })
class AppModule {}

void bootstrapService(AppModule, { name: SECRET_STORE_NAME, defaultPort: 8084 });
