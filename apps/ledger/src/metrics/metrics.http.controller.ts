import { Controller, Get, Header } from '@nestjs/common';
import { ledgerRegistry } from './ledger-metrics.js';

/** Prometheus metrics (public, like health: expose it only on an internal network). */
@Controller('metrics')
export class MetricsHttpController {
  @Get()
  @Header('content-type', ledgerRegistry.contentType)
  async metrics(): Promise<string> {
    return ledgerRegistry.metrics();
  }
}
