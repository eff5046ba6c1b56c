import type { NestExpressApplication } from '@nestjs/platform-express';
import { routeManagementApart } from '#health';
import { HttpErrorFilter } from '#http-errors';
import { KafkaEosServer } from '#kafka-eos';
import { MAX_BODY_BYTES } from './http/json-body.js';
import { setUpOpenApi } from './http/openapi.js';
import { traceRequests } from './tracing/trace-requests.js';

/**
 * Everything main.ts does to the app besides starting the transport and listening
 * (`listenWithManagement`), so tests run the same app.
 */
export function configurePaymentsApp(app: NestExpressApplication): NestExpressApplication {
  app.enableShutdownHooks();
  // First: /metrics and /docs (set up below) on the management listener only.
  routeManagementApart(app);
  // Each request in a span of its own, a child of the caller's trace context; every log line
  // written meanwhile carries its trace id (and, once known, the transfer id).
  app.use(traceRequests);
  // express.json (the app is created with bodyParser: false): JSON bodies only, objects or
  // arrays at the top level (strict), 16 KiB at most. Its errors reach HttpErrorFilter.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, strict: true });
  app.useGlobalFilters(
    new HttpErrorFilter(app.getHttpAdapter(), {
      databaseRetry: 'retry with the same Idempotency-Key',
      authenticateScheme: 'Bearer',
      maxBodyBytes: MAX_BODY_BYTES,
    }),
  );
  setUpOpenApi(app);
  // Settlement: the @EventPattern handlers on the Kafka transport. It starts with
  // app.startAllMicroservices() and stops when the app closes, before the database does.
  app.connectMicroservice({ strategy: app.get(KafkaEosServer) });
  return app;
}
