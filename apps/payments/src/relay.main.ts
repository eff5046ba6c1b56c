import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '#logging';
import { OutboxRelay } from './outbox/outbox-relay.service.js';
import { RelayAppModule } from './relay-app.module.js';

/** The outbox relay as its own process. Exits 1 when a newer relay fenced it. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(RelayAppModule, {
    logger: createLogger('payments-relay'),
  });
  app.enableShutdownHooks();
  const relay = app.get(OutboxRelay);
  await relay.finished;
  if (relay.state === 'fenced') {
    await app.close();
    process.exit(1);
  }
}

void bootstrap();
