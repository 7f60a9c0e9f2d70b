import 'reflect-metadata';
import { bootstrapService } from '@rotor/service-runtime';
import { AppModule } from './app.module';
import { configureGateway } from './configure-gateway';

void bootstrapService(AppModule, { name: 'gateway', defaultPort: 8080, configure: configureGateway });
