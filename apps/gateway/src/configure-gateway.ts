import { INestApplication } from '@nestjs/common';
import { serveConsole } from './console/serve-console';
import { setupOpenApi } from './openapi/setup-openapi';
import { jsonBodiesOnly } from './validation/json-bodies-only';

/** What main.ts and the tests both apply to the Nest app before it serves. */
export function configureGateway(app: INestApplication): void {
  serveConsole(app);
  // Registered before Nest adds its body parsers (at init), so a body of the wrong type is
  // refused before anything reads it.
  app.use(jsonBodiesOnly);
  setupOpenApi(app);
}
