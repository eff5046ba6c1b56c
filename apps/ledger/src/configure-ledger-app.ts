import type { INestApplication } from '@nestjs/common';
import { routeManagementApart } from '#health';
import { HttpErrorFilter } from '#http-errors';
import { KafkaEosServer } from '#kafka-eos';
import { setUpLedgerOpenApi } from './http/openapi.js';

/**
 * Everything main.ts does to the app besides starting the transport and listening, so tests run
 * the same app.
 */
export function configureLedgerApp<App extends INestApplication>(app: App): App {
  app.enableShutdownHooks();
  // /metrics and /docs on the management listener only.
  routeManagementApart(app);
  app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter(), { databaseRetry: 'retry later' }));
  setUpLedgerOpenApi(app);
  // Posting: the controllers' @EventPattern handlers on the Kafka transport. It starts with
  // app.startAllMicroservices() and stops when the app closes, before the database does.
  app.connectMicroservice({ strategy: app.get(KafkaEosServer) });
  return app;
}
