import 'reflect-metadata';
import { bootstrapService } from '@rotor/service-runtime';
import { AppModule } from './app.module';
import { SERVICE_NAME } from './config';
import { configureGateway } from './configure-gateway';

void bootstrapService(AppModule.forRoot(), { name: SERVICE_NAME, defaultPort: 8080, configure: configureGateway });
