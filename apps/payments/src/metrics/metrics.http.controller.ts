import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import { PaymentsMetrics } from './payments-metrics.js';

/** Prometheus metrics (public, like health: expose it only on an internal network). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsHttpController {
  constructor(
    private readonly metrics: PaymentsMetrics,
    db: DataSource,
    @Inject(paymentsConfig.KEY) config: PaymentsConfig,
  ) {
    metrics.readOutbox(db);
    metrics.readPendingTransfers(db, config.metrics.pendingAlertAfterSeconds);
  }

  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
