import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { collectDefaultMetrics, register } from 'prom-client';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness';
import { RotorExceptionFilter } from './errors.filter';
import { InternalTokenGuard } from './internal-token';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** Health, readiness, metrics and the error filter every Rotor service shares. */
@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRoot(options: { name: string }): DynamicModule {
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) {
      register.setDefaultLabels({ service: options.name });
      collectDefaultMetrics();
    }
    return {
      module: ServiceRuntimeModule,
      controllers: [HealthController],
      providers: [
        ReadinessRegistry,
        InternalTokenGuard,
        { provide: SERVICE_NAME, useValue: options.name },
        { provide: APP_FILTER, useClass: RotorExceptionFilter },
      ],
      exports: [ReadinessRegistry, InternalTokenGuard, SERVICE_NAME],
    };
  }
}
