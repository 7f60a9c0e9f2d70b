import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapService } from '@rotor/service-runtime';
import { loadConfig } from './config';
import { ALERTS_NAME, AlertsModule } from './alerts.module';

@Module({ imports: [AlertsModule.forRoot(loadConfig())] })
class AppModule {}

void bootstrapService(AppModule, { name: ALERTS_NAME, defaultPort: 8085 });
