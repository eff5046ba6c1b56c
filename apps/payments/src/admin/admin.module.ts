import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { TransfersModule } from '../transfers/transfers.module.js';
import { AdminHttpController } from './admin.http.controller.js';

/** `/admin/...`: funding and accounts allowed to go negative, behind `ADMIN_API_KEYS`. */
@Module({ imports: [AccountsModule, TransfersModule], controllers: [AdminHttpController] })
export class AdminModule {}
