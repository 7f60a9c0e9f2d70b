import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapService } from '@rotor/service-runtime';
import { AppModule, SERVICE_NAME } from './app.module';

/** Configuration from the environment, the system clock. */
@Module({ imports: [AppModule.forRoot()] })
class MainModule {}

void bootstrapService(MainModule, { name: SERVICE_NAME, defaultPort: 8082 });
