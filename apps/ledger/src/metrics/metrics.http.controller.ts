import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ledgerRegistry } from './ledger-metrics.js';

/** Prometheus metrics, on the management port only (routeManagementApart). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsHttpController {
  @Get()
  @Header('content-type', ledgerRegistry.contentType)
  async metrics(): Promise<string> {
    return ledgerRegistry.metrics();
  }
}
