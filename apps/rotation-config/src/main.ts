import 'reflect-metadata';
import { bootstrapService } from '@rotor/service-runtime';
import { AppModule } from './app.module';
import { SERVICE_NAME } from './config';

void bootstrapService(AppModule.forRoot(), { name: SERVICE_NAME, defaultPort: 8081 });
