import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { paymentsConfig } from './config/payments.config.js';
import { OutboxRelayModule } from './outbox/outbox-relay.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';

/** The relay as its own process: no HTTP, one job. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [paymentsConfig] }),
    PersistenceModule,
    OutboxRelayModule.forRoot({ standalone: true }),
  ],
})
export class RelayAppModule {}
