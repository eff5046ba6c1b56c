import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ledgerConfig } from './config/ledger.config.js';

@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [ledgerConfig] })],
})
export class LedgerModule {}
