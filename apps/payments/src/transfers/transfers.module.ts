import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuthenticationModule } from '../authentication/authentication.module.js';
import { CreateTransferHttpController } from './create-transfer/create-transfer.http.controller.js';
import { CreateTransferService } from './create-transfer/create-transfer.service.js';
import { GetTransferHttpController } from './get-transfer/get-transfer.http.controller.js';
import { GetTransferService } from './get-transfer/get-transfer.service.js';
import { ListTransfersHttpController } from './list-transfers/list-transfers.http.controller.js';
import { ListTransfersService } from './list-transfers/list-transfers.service.js';

/**
 * The transfers HTTP API: POST /transfers, GET /transfers (the listing) and GET /transfers/:id.
 * The last two never match the same path (`:id` is never empty: `/transfers/` is the listing).
 */
@Module({
  imports: [AuthenticationModule, AccountsModule],
  controllers: [
    CreateTransferHttpController,
    ListTransfersHttpController,
    GetTransferHttpController,
  ],
  providers: [CreateTransferService, ListTransfersService, GetTransferService],
  exports: [CreateTransferService, GetTransferService],
})
export class TransfersModule {}
