import { Module } from '@nestjs/common';
import { CreateTransferHttpController } from './create-transfer/create-transfer.http.controller.js';
import { CreateTransferService } from './create-transfer/create-transfer.service.js';
import { GetTransferHttpController } from './get-transfer/get-transfer.http.controller.js';
import { GetTransferService } from './get-transfer/get-transfer.service.js';

/** The transfers HTTP API: POST /transfers and GET /transfers/:id. */
@Module({
  controllers: [CreateTransferHttpController, GetTransferHttpController],
  providers: [CreateTransferService, GetTransferService],
})
export class TransfersModule {}
