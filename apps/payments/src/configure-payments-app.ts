import type { INestApplication } from '@nestjs/common';

/** Everything main.ts does to the app besides listening, so tests run the same app. */
export function configurePaymentsApp(app: INestApplication): INestApplication {
  app.enableShutdownHooks();
  return app;
}
