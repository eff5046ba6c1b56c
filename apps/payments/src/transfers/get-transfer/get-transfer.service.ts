import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidTransferIdError, TransferNotFoundError } from '../transfer.errors.js';
import type { Transfer } from '../transfer.response.js';
import { TRANSFER_COLUMNS, toTransfer, type TransferRow } from '../transfer-row.js';
import { isUuid } from '#contracts';

@Injectable()
export class GetTransferService {
  constructor(private readonly dataSource: DataSource) {}

  /** A transfer of this client; another client's transfer is reported as not found. */
  async execute(clientId: string, transferId: string): Promise<Transfer> {
    if (!isUuid(transferId)) throw new InvalidTransferIdError();
    const [row] = await this.dataSource.query<TransferRow[]>(
      `select ${TRANSFER_COLUMNS} from transfers where id = $1 and client_id = $2`,
      [transferId, clientId],
    );
    if (!row) throw new TransferNotFoundError();
    return toTransfer(row);
  }
}
