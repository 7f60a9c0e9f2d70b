import 'reflect-metadata';
import { bootstrapService } from '@rotor/service-runtime';
import { AppModule } from './app.module';

void bootstrapService(AppModule, { name: 'rotation-config', defaultPort: 8081 });
