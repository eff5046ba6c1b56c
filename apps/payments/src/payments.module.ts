import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { KafkaClientModule } from '#kafka-eos';
import { TracingModule } from '#logging';
import { TerminusModule } from '@nestjs/terminus';
import { AccountsModule } from './accounts/accounts.module.js';
import { AdminModule } from './admin/admin.module.js';
import { paymentsConfig } from './config/payments.config.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { PaymentsMetricsModule } from './metrics/metrics.module.js';
import { OutboxRelayModule } from './outbox/outbox-relay.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { SettlementController } from './settlement/settlement.controller.js';
import { settlementTransport } from './settlement/settlement.transport.js';
import { TransfersModule } from './transfers/transfers.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [paymentsConfig] }),
    PersistenceModule,
    KafkaClientModule.forConfig(paymentsConfig.KEY, 'payments'),
    TracingModule.forRoot('payments'),
    TerminusModule,
    PaymentsMetricsModule,
    OutboxRelayModule.forRoot({ standalone: false }),
    TransfersModule,
    AccountsModule,
    AdminModule,
  ],
  controllers: [HealthHttpController, SettlementController],
  providers: [settlementTransport],
})
export class PaymentsModule {}
