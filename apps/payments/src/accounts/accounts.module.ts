import { Module } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module.js';
import { AccountsHttpController } from './accounts.http.controller.js';
import { AccountsService } from './accounts.service.js';
import { LedgerClient } from './ledger.client.js';

/** Clients' accounts: POST/GET /accounts, GET /accounts/:id and its entries; ownership checks. */
@Module({
  imports: [AuthenticationModule],
  controllers: [AccountsHttpController],
  providers: [AccountsService, LedgerClient],
  exports: [AccountsService, LedgerClient],
})
export class AccountsModule {}
