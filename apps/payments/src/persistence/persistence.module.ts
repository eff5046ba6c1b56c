import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { paymentsConfig } from '../config/payments.config.js';
import { paymentsDataSourceOptions } from './payments-data-source.js';

/** The payments database; migrations run when the connection opens. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [paymentsConfig.KEY],
      useFactory: (config: ConfigType<typeof paymentsConfig>) =>
        paymentsDataSourceOptions(
          config.databaseUrl,
          config.databasePoolSize,
          config.databaseIdleInTransactionTimeoutMs,
        ),
    }),
  ],
})
export class PersistenceModule {}
