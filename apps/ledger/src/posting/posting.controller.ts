import { Controller, Inject, Logger, UseFilters } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { EventHeaders, type TransferResultV1 } from '#contracts';
import {
  crashPoint,
  deadLetterPattern,
  KafkaEosContext,
  KafkaEosExceptionFilter,
  type InputRecord,
  type KafkaEosPatternExtras,
  type OutputRecord,
} from '#kafka-eos';
import { runWithLogContext, traceIdOf } from '#logging';
import { ledgerConfig } from '../config/ledger.config.js';
import { LedgerMetrics } from '../metrics/ledger-metrics.js';
import { applyTransfers } from './apply-transfer.js';
import { decodeTransferRequested } from './decode-transfer-requested.js';
import { recoverTransferId, rejectUnapplicable } from './reject-unapplicable.js';

/** The pattern of posting: `TransferRequested` records (topic and group: `posting.transport.ts`). */
export const POSTING = 'ledger.post-transfers';

/**
 * Applies each requested transfer once in the ledger database and answers it with its
 * `TransferSettled` / `TransferRejected`, which the transport produces in the Kafka transaction
 * that commits the request's offset (with DELIVERY_GUARANTEE at-least-once / at-most-once,
 * before / after committing it instead).
 */
@Controller()
@UseFilters(KafkaEosExceptionFilter)
export class PostingController {
  private readonly logger = new Logger(PostingController.name);

  constructor(
    @Inject(ledgerConfig.KEY) private readonly config: ConfigType<typeof ledgerConfig>,
    private readonly db: DataSource,
    private readonly metrics: LedgerMetrics,
  ) {}

  /**
   * A fetched batch in one database transaction. If it fails (a poison record, a zombie that
   * stored one of these events meanwhile), nothing is kept and the transport hands the records
   * over again one at a time: a batch of one is the same path.
   */
  @EventPattern(POSTING, { batch: true } satisfies KafkaEosPatternExtras)
  async post(@Payload() records: InputRecord[]): Promise<OutputRecord[][]> {
    const events = records.map((r) => decodeTransferRequested(r.value));
    const results = await applyTransfers(this.db, events);
    return records.map((record, i) => {
      const result = results[i];
      if (!result)
        throw new Error(`no result for ${record.topic}[${record.partition}:${record.offset}]`);
      return runWithLogContext(logContext(record), () => this.answer(record, result));
    });
  }

  /**
   * A request the ledger cannot apply (undecodable or invalid: INVALID_REQUEST; failing every
   * attempt: PROCESSING_FAILED) is still answered, with a rejection stored like any decision, in
   * the transaction that dead-letters it: payments settles the transfer `rejected` instead of
   * leaving it pending for ever. A record that names no transfer is only dead-lettered.
   */
  // <string>: a pattern, not a key of a typed event map (Nest's other overload).
  @EventPattern<string>(deadLetterPattern(POSTING))
  async rejectUnapplicable(
    @Payload() record: InputRecord,
    @Ctx() context: KafkaEosContext,
  ): Promise<OutputRecord[]> {
    const transferId = recoverTransferId(record);
    if (!transferId) {
      this.logger.error(
        `record ${record.topic}[${record.partition}:${record.offset}] names no transfer; dead-lettered unanswered`,
      );
      return [];
    }
    const reason = context.getFailure()?.poison ? 'INVALID_REQUEST' : 'PROCESSING_FAILED';
    const result = await rejectUnapplicable(this.db, transferId, reason);
    return runWithLogContext({ ...logContext(record), transferId }, () =>
      this.answer(record, result),
    );
  }

  /** The result record for one applied transfer, after its database commit. */
  private answer(record: InputRecord, result: TransferResultV1): OutputRecord[] {
    crashPoint('ledger.after-db-commit');
    const [outcome, reason] =
      result.type === 'TransferSettled' ? ['settled', ''] : ['rejected', result.reason];
    // Counted per application: a redelivered record after a crash counts again here, although
    // the inbox posts it once (the database is the record of what was posted).
    this.metrics.transfers.inc({ outcome, reason });
    this.logger.log(`transfer ${outcome}${reason ? `: ${reason}` : ''}`);
    return [toResultRecord(this.config.topics.transferResults, result)];
  }
}

function logContext(record: InputRecord): { transferId?: string; traceId?: string } {
  return {
    transferId: record.headers[EventHeaders.eventId] ?? undefined,
    traceId: traceIdOf(record.headers[EventHeaders.traceparent]),
  };
}

/** The transport adds the trace context (`traceparent`: a child of the request's). */
function toResultRecord(topic: string, result: TransferResultV1): OutputRecord {
  const headers: Record<string, string> = {
    [EventHeaders.eventId]: result.eventId,
    [EventHeaders.eventType]: result.type,
    [EventHeaders.eventVersion]: String(result.version),
    [EventHeaders.contentType]: 'application/json',
  };
  return { topic, key: result.transferId, value: JSON.stringify(result), headers };
}
