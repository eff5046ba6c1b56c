import { Global, Module } from '@nestjs/common';
import { MetricsHttpController } from './metrics.http.controller.js';
import { PaymentsMetrics } from './payments-metrics.js';

/** Payments' metrics: `PaymentsMetrics` for whoever counts, `/metrics` for Prometheus. */
@Global()
@Module({
  providers: [PaymentsMetrics],
  controllers: [MetricsHttpController],
  exports: [PaymentsMetrics],
})
export class PaymentsMetricsModule {}
