import { INestApplication } from '@nestjs/common';
import { serveConsole } from './console/serve-console';
import { setupOpenApi } from './openapi/setup-openapi';

/** What main.ts and the tests both apply to the Nest app before it serves. */
export function configureGateway(app: INestApplication): void {
  serveConsole(app);
  setupOpenApi(app);
}
