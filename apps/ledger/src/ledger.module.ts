import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrateAsOwner } from '#config';
import { KafkaClientModule } from '#kafka-eos';
import { TracingModule } from '#logging';
import { AccountsHttpController } from './accounts/accounts.http.controller.js';
import { AccountsRepository } from './accounts/accounts.repository.js';
import { ledgerConfig } from './config/ledger.config.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { LedgerMetricsModule } from './metrics/metrics.module.js';
import { ledgerDataSourceOptions } from './persistence/ledger-data-source.js';
import { PostingController } from './posting/posting.controller.js';
import { postingTransport } from './posting/posting.transport.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [ledgerConfig] }),
    TracingModule.forRoot('ledger'),
    TerminusModule,
    LedgerMetricsModule,
    KafkaClientModule.forConfig(ledgerConfig.KEY, 'ledger'),
    TypeOrmModule.forRootAsync({
      inject: [ledgerConfig.KEY],
      useFactory: async (config: ConfigType<typeof ledgerConfig>) => {
        const options = ledgerDataSourceOptions(
          config.databaseUrl,
          config.databasePoolSize,
          config.databaseIdleInTransactionTimeoutMs,
        );
        if (!config.databaseMigrationUrl) return options;
        await migrateAsOwner(options, config.databaseUrl, config.databaseMigrationUrl);
        return { ...options, migrationsRun: false };
      },
    }),
  ],
  controllers: [AccountsHttpController, HealthHttpController, PostingController],
  providers: [AccountsRepository, postingTransport],
})
export class LedgerModule {}
