import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { addToLogContext, traceIdOf } from '#logging';
import { paymentsConfig, type PaymentsConfig } from '../../config/payments.config.js';
import { PaymentsMetrics } from '../../metrics/payments-metrics.js';
import { AccountNotFoundError } from '../../accounts/account.errors.js';
import { encodeOutboxMessage } from '../../outbox/encode-outbox-message.js';
import { IdempotencyKeyReusedError } from '../transfer.errors.js';
import { acceptedTransferSchema, type AcceptedTransfer } from '../transfer.response.js';
import type { CreateTransferRequest } from './create-transfer.request.js';
import { acceptTransfer, type AccountCheck } from './accept-transfer.js';
import { requestHash } from './request-hash.js';
import { transferRequestedMessage } from './transfer-requested.message.js';

export interface CreateTransferCommand {
  clientId: string;
  idempotencyKey: string;
  request: CreateTransferRequest;
  /** W3C trace context carried with the TransferRequested event. */
  traceparent: string;
  /**
   * `owner-and-credit` (a client's transfer): the debited account must be the client's and the
   * credited one must exist, else `404 ACCOUNT_NOT_FOUND` naming the field, whether or not the
   * account exists. `none`: a funding, whose debit is the ledger's funding account.
   */
  accounts: AccountCheck;
}

export interface CreateTransferResult {
  transfer: AcceptedTransfer;
  /** True when an earlier request with the same key created the transfer. */
  replayed: boolean;
}

@Injectable()
export class CreateTransferService {
  private readonly logger = new Logger(CreateTransferService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    private readonly metrics: PaymentsMetrics,
  ) {}

  /**
   * Creates the transfer and its TransferRequested outbox row in one statement, once per client
   * and idempotency key, after checking the accounts in the same statement; a retry gets the
   * first request's answer.
   */
  async execute(command: CreateTransferCommand): Promise<CreateTransferResult> {
    const { clientId, idempotencyKey, request, traceparent } = command;
    const transfer: AcceptedTransfer = {
      id: randomUUID(),
      status: 'pending',
      debitAccountId: request.debitAccountId,
      creditAccountId: request.creditAccountId,
      amount: request.amount,
      currency: request.currency,
      createdAt: new Date().toISOString(),
    };
    addToLogContext({ transferId: transfer.id, traceId: traceIdOf(traceparent) });
    const hash = requestHash(request);
    const topic = this.config.topics.transferRequested;
    // Before anything is written: an event too large to publish is refused (EVENT_TOO_LARGE).
    const outbox = encodeOutboxMessage(transferRequestedMessage(transfer, topic, traceparent));
    const row = { clientId, idempotencyKey, requestHash: hash, transfer };
    const outcome = await acceptTransfer(this.dataSource, row, outbox, command.accounts);
    if (command.accounts === 'owner-and-credit') {
      if (!outcome.debitOwned) throw new AccountNotFoundError('debitAccountId');
      if (!outcome.creditExists) throw new AccountNotFoundError('creditAccountId');
    }
    if (outcome.accepted) {
      this.metrics.paymentsTransfers.inc({ outcome: 'accepted' });
      this.logger.log(`transfer accepted: ${transfer.amount} ${transfer.currency}`);
      return { transfer, replayed: false };
    }
    return { transfer: await this.originalAnswer(clientId, idempotencyKey, hash), replayed: true };
  }

  /** The stored answer to the key's first request, if this request has the same body. */
  private async originalAnswer(
    clientId: string,
    idempotencyKey: string,
    hash: string,
  ): Promise<AcceptedTransfer> {
    const [row] = await this.dataSource.query<{ request_hash: string; response_body: unknown }[]>(
      `select request_hash, response_body from transfers
       where client_id = $1 and idempotency_key = $2`,
      [clientId, idempotencyKey],
    );
    // Cannot happen: the insert found this row committed. Transfers are never deleted.
    if (!row) throw new Error(`transfer of idempotency key ${idempotencyKey} vanished`);
    if (row.request_hash !== hash) throw new IdempotencyKeyReusedError();
    // jsonb does not keep key order; parsing returns the fields in their documented order.
    return acceptedTransferSchema.parse(row.response_body);
  }
}
