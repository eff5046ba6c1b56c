import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { listenWithManagement } from '#health';
import { createLogger } from '#logging';
import { paymentsConfig } from './config/payments.config.js';
import { configurePaymentsApp } from './configure-payments-app.js';
import { OutboxRelay } from './outbox/outbox-relay.service.js';
import { PaymentsModule } from './payments.module.js';

async function bootstrap(): Promise<void> {
  const app = configurePaymentsApp(
    await NestFactory.create<NestExpressApplication>(PaymentsModule, {
      bodyParser: false,
      logger: createLogger('payments'),
    }),
  );
  const config = app.get<ConfigType<typeof paymentsConfig>>(paymentsConfig.KEY);
  await app.startAllMicroservices();
  await listenWithManagement(app, { port: config.port, managementPort: config.managementPort });
  // An embedded relay that cannot publish for good (a topic that would not keep what it
  // publishes) stops the process: accepting transfers that are never published helps nobody.
  const relay = app.get(OutboxRelay);
  await relay.finished;
  if (relay.state === 'failed') {
    await app.close();
    process.exit(1);
  }
}

void bootstrap();
