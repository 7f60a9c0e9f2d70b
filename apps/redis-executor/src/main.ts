import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapService } from '@rotor/service-runtime';
import { RedisExecutorModule } from './app.module';
import { SERVICE_NAME } from './executor.config';

@Module({ imports: [RedisExecutorModule.forRoot()] })
class AppModule {}

void bootstrapService(AppModule, { name: SERVICE_NAME, defaultPort: 8083 });
