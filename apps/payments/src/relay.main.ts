import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { createLogger } from '#logging';
import { paymentsConfig } from './config/payments.config.js';
import { OutboxRelay } from './outbox/outbox-relay.service.js';
import { RelayAppModule } from './relay-app.module.js';

/**
 * The outbox relay as its own process (serving /health and /metrics on PORT). Several may run:
 * the one holding the relay's lease publishes, the others stand by. Exits 1 when another
 * instance fenced it while it held the lease (a misconfiguration), so a supervisor sees it.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(RelayAppModule, { logger: createLogger('payments-relay') });
  app.enableShutdownHooks();
  await app.listen(app.get<ConfigType<typeof paymentsConfig>>(paymentsConfig.KEY).port);
  const relay = app.get(OutboxRelay);
  await relay.finished;
  if (relay.state === 'fenced' || relay.state === 'failed') {
    await app.close();
    process.exit(1);
  }
}

void bootstrap();
