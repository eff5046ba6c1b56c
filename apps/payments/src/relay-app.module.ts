import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { KafkaClientModule } from '#kafka-eos';
import { TracingModule } from '#logging';
import { TerminusModule } from '@nestjs/terminus';
import { paymentsConfig } from './config/payments.config.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { PaymentsMetricsModule } from './metrics/metrics.module.js';
import { OutboxRelayModule } from './outbox/outbox-relay.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';

/** The relay as its own process: one job, with only /health and /metrics over HTTP. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [paymentsConfig] }),
    PersistenceModule,
    KafkaClientModule.forConfig(paymentsConfig.KEY, 'payments-relay'),
    TracingModule.forRoot('payments-relay'),
    TerminusModule,
    PaymentsMetricsModule,
    OutboxRelayModule.forRoot({ standalone: true }),
  ],
  controllers: [HealthHttpController],
})
export class RelayAppModule {}
