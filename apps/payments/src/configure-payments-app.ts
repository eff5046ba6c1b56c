import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { routeManagementApart } from '#health';
import { HttpErrorFilter } from '#http-errors';
import { runWithLogContext, traceIdOf } from '#logging';
import { MAX_BODY_BYTES } from './http/json-body.js';
import { setUpOpenApi } from './http/openapi.js';

/**
 * Everything main.ts does to the app besides listening (`listenWithManagement`), so tests run the
 * same app.
 */
export function configurePaymentsApp(app: NestExpressApplication): NestExpressApplication {
  app.enableShutdownHooks();
  // First: /metrics and /docs (set up below) on the management listener only.
  routeManagementApart(app);
  // Every log line written while handling a request carries its trace id (and, once known,
  // the transfer id).
  app.use((request: IncomingMessage, _response: ServerResponse, next: () => void) => {
    const header = request.headers.traceparent;
    runWithLogContext(
      { traceId: traceIdOf(typeof header === 'string' ? header : undefined) },
      next,
    );
  });
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
  return app;
}
