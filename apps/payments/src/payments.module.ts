import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { paymentsConfig } from './config/payments.config.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { OutboxRelayModule } from './outbox/outbox-relay.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [paymentsConfig] }),
    PersistenceModule,
    OutboxRelayModule.forRoot({ standalone: false }),
  ],
  controllers: [HealthHttpController],
})
export class PaymentsModule {}
