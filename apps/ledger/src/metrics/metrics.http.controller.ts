import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { LedgerMetrics } from './ledger-metrics.js';

/** Prometheus metrics, on the management port only (routeManagementApart). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
