import { Module } from '@nestjs/common';
import { ClientRateLimiter } from '../authentication/client-rate-limit.guard.js';
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
  controllers: [
    CreateTransferHttpController,
    ListTransfersHttpController,
    GetTransferHttpController,
  ],
  providers: [ClientRateLimiter, CreateTransferService, ListTransfersService, GetTransferService],
})
export class TransfersModule {}
