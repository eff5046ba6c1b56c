import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger } from '#logging';
import { paymentsConfig } from './config/payments.config.js';
import { configurePaymentsApp } from './configure-payments-app.js';
import { PaymentsModule } from './payments.module.js';

async function bootstrap(): Promise<void> {
  const app = configurePaymentsApp(
    await NestFactory.create<NestExpressApplication>(PaymentsModule, {
      bodyParser: false,
      logger: createLogger('payments'),
    }),
  );
  const config = app.get<ConfigType<typeof paymentsConfig>>(paymentsConfig.KEY);
  await app.listen(config.port);
}

void bootstrap();
