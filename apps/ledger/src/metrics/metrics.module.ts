import { Global, Module } from '@nestjs/common';
import { LedgerMetrics } from './ledger-metrics.js';
import { MetricsHttpController } from './metrics.http.controller.js';

/** The ledger's metrics: `LedgerMetrics` for whoever counts, `/metrics` for Prometheus. */
@Global()
@Module({
  providers: [LedgerMetrics],
  controllers: [MetricsHttpController],
  exports: [LedgerMetrics],
})
export class LedgerMetricsModule {}
