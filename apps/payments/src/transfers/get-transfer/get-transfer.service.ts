import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidTransferIdError, TransferNotFoundError } from '../transfer.errors.js';
import type { Transfer } from '../transfer.response.js';
import { isUuid } from '#contracts';

interface TransferRow {
  id: string;
  status: Transfer['status'];
  reason: string | null;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class GetTransferService {
  constructor(private readonly dataSource: DataSource) {}

  /** A transfer of this client; another client's transfer is reported as not found. */
  async execute(clientId: string, transferId: string): Promise<Transfer> {
    if (!isUuid(transferId)) throw new InvalidTransferIdError();
    const [row] = await this.dataSource.query<TransferRow[]>(
      `select id, status, reason, debit_account_id, credit_account_id, amount::text as amount,
         currency, created_at, updated_at
       from transfers where id = $1 and client_id = $2`,
      [transferId, clientId],
    );
    if (!row) throw new TransferNotFoundError();
    return {
      id: row.id,
      status: row.status,
      ...(row.status === 'rejected' && row.reason !== null && { reason: row.reason }),
      debitAccountId: row.debit_account_id,
      creditAccountId: row.credit_account_id,
      amount: row.amount,
      currency: row.currency,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }
}
