import type { INestApplication } from '@nestjs/common';
import { routeManagementApart } from '#health';
import { HttpErrorFilter } from '#http-errors';
import { setUpLedgerOpenApi } from './http/openapi.js';

/** Everything main.ts does to the app besides listening, so tests run the same app. */
export function configureLedgerApp<App extends INestApplication>(app: App): App {
  app.enableShutdownHooks();
  // /metrics and /docs on the management listener only.
  routeManagementApart(app);
  app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter(), { databaseRetry: 'retry later' }));
  setUpLedgerOpenApi(app);
  return app;
}
