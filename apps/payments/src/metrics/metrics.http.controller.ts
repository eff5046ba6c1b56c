import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import {
  paymentsRegistry,
  registerOutboxGauges,
  registerPendingTransferGauges,
} from './payments-metrics.js';

/** Prometheus metrics (public, like health: expose it only on an internal network). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsHttpController {
  constructor(db: DataSource, @Inject(paymentsConfig.KEY) config: PaymentsConfig) {
    registerOutboxGauges(db);
    registerPendingTransferGauges(db, config.metrics.pendingAlertAfterSeconds);
  }

  @Get()
  @Header('content-type', paymentsRegistry.contentType)
  async metrics(): Promise<string> {
    return paymentsRegistry.metrics();
  }
}
