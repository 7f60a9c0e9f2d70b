import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { envBool, envInt, envString } from '@rotor/util';
import { JsonLogger } from './json-logger';
import { deferTransactionStart } from './deferred-begin';
import { countPostgresStatements } from './postgres-statements';
import { prepareRepeatedStatements } from './prepared-statements';

export interface BootstrapOptions {
  name: string;
  defaultPort: number;
  /** Runs after the app is created and before it listens (e.g. OpenAPI setup). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts one Rotor service: JSON logs, graceful shutdown on SIGTERM/SIGINT, bound to
 * loopback unless HOST says otherwise; every Postgres statement counted at /metrics, the ones
 * it repeats prepared once per connection, and a transaction's start sent with its first
 * statement where it can be.
 */
export async function bootstrapService(appModule: Type<unknown> | DynamicModule, options: BootstrapOptions): Promise<INestApplication> {
  countPostgresStatements();
  if (envBool('DATABASE_PREPARED_STATEMENTS', true)) prepareRepeatedStatements();
  if (envBool('DATABASE_DEFER_BEGIN', true)) deferTransactionStart();
  const logger = new JsonLogger(options.name, (process.env['LOG_LEVEL'] as 'info' | undefined) ?? 'info');
  const app = await NestFactory.create(appModule, { logger, bufferLogs: true });
  app.enableShutdownHooks();
  await options.configure?.(app);
  const port = envInt('PORT', options.defaultPort);
  const host = envString('HOST', '127.0.0.1');
  await app.listen(port, host);
  logger.log(`${options.name} listening on http://${host}:${port}`, 'bootstrap');
  return app;
}
