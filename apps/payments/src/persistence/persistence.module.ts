import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrateAsOwner } from '#config';
import { paymentsConfig } from '../config/payments.config.js';
import { paymentsDataSourceOptions } from './payments-data-source.js';

/** The payments database; migrations run before the connection opens (see `migrateAsOwner`). */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [paymentsConfig.KEY],
      useFactory: async (config: ConfigType<typeof paymentsConfig>) => {
        const options = paymentsDataSourceOptions(
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
})
export class PersistenceModule {}
