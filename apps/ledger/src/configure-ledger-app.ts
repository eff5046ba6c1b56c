import type { INestApplication } from '@nestjs/common';
import { LedgerExceptionFilter } from './http/ledger-exception.filter.js';

/** Everything main.ts does to the app besides listening, so tests run the same app. */
export function configureLedgerApp<App extends INestApplication>(app: App): App {
  app.enableShutdownHooks();
  app.useGlobalFilters(new LedgerExceptionFilter(app.getHttpAdapter()));
  return app;
}
