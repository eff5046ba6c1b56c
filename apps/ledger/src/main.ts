import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { listenWithManagement } from '#health';
import { createLogger } from '#logging';
import { ledgerConfig } from './config/ledger.config.js';
import { configureLedgerApp } from './configure-ledger-app.js';
import { LedgerModule } from './ledger.module.js';

async function bootstrap(): Promise<void> {
  const app = configureLedgerApp(
    await NestFactory.create(LedgerModule, { logger: createLogger('ledger') }),
  );
  const config = app.get<ConfigType<typeof ledgerConfig>>(ledgerConfig.KEY);
  await app.startAllMicroservices();
  await listenWithManagement(app, { port: config.port, managementPort: config.managementPort });
}

void bootstrap();
