import { Controller, Logger, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { KafkaEosExceptionFilter, type InputRecord, type KafkaEosPatternExtras } from '#kafka-eos';
import { EventHeaders } from '#contracts';
import { runWithLogContext, traceIdOf } from '#logging';
import { PreparedStatement } from '#postgres';
import { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { mismatchedFields, MismatchedResultError, type StoredTerms } from './check-result.js';
import { decodeTransferResult } from './decode-transfer-result.js';

const storedTermsStatement = new PreparedStatement<StoredTerms>(
  'payments.stored-terms',
  `select id, debit_account_id as "debitAccountId", credit_account_id as "creditAccountId",
          amount::text as amount, currency
     from transfers where id = any($1::uuid[])`,
);

/** Moves each pending transfer to its result; those not pending (settled before) are left alone. */
const settleStatement = new PreparedStatement<{ id: string }>(
  'payments.settle-results',
  `update transfers t set status = r.status, reason = r.reason, updated_at = clock_timestamp()
       from unnest($1::uuid[], $2::text[], $3::text[]) as r(id, status, reason)
      where t.id = r.id and t.status = 'pending'
      returning t.id`,
);

/** The pattern of settlement: the ledger's results (topic and group: `settlement.transport.ts`). */
export const SETTLEMENT = 'payments.settle-transfers';

/**
 * Consumes the ledger's results and settles transfers: pending → completed or rejected.
 * The update only moves a pending transfer, so a result seen twice changes nothing the second
 * time; offsets still commit in a Kafka transaction, on the same transport as the ledger's.
 */
@Controller()
@UseFilters(KafkaEosExceptionFilter)
export class SettlementController {
  private readonly logger = new Logger(SettlementController.name);

  constructor(
    private readonly db: DataSource,
    private readonly metrics: PaymentsMetrics,
  ) {}

  /**
   * A fetched batch: one read and one update. A result that disagrees with the transfer it names
   * fails the batch; the transport then hands the records over one at a time, and that one alone
   * is dead-lettered (counted and logged here, when it is alone).
   */
  @EventPattern(SETTLEMENT, { batch: true } satisfies KafkaEosPatternExtras)
  async settle(@Payload() records: InputRecord[]): Promise<void> {
    try {
      await this.settleAll(records);
    } catch (error) {
      const [record] = records;
      if (error instanceof MismatchedResultError && record && records.length === 1) {
        this.metrics.settlementRefusedResults.inc({ reason: 'mismatch' });
        runWithLogContext({ transferId: error.transferId }, () =>
          this.logger.error(`${error.message}; not applied, dead-lettered`, {
            partition: record.partition,
            offset: record.offset,
          }),
        );
      }
      throw error;
    }
  }

  /** The stored terms of the named transfers, by id. */
  private async storedTerms(ids: string[]): Promise<Map<string, StoredTerms>> {
    const rows = await storedTermsStatement.rows(this.db, [ids]);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * One read and one update for a whole batch: each pending transfer moves to its result;
   * anything else (already settled, unknown) is left alone, so a redelivered result changes
   * nothing. First, every result is checked against the transfer it names: one that disagrees
   * with it fails the batch (`MismatchedResultError`, poison), so that it alone is dead-lettered.
   */
  private async settleAll(records: InputRecord[]): Promise<void> {
    const results = records.map((record) => ({
      ...decodeTransferResult(record.value),
      traceId: traceIdOf(record.headers[EventHeaders.traceparent]),
    }));
    const stored = await this.storedTerms(results.map((r) => r.transferId));
    for (const result of results) {
      const transfer = stored.get(result.transferId);
      const fields = transfer ? mismatchedFields(result, transfer) : [];
      if (fields.length > 0) throw new MismatchedResultError(result.transferId, fields);
    }
    const settled = await settleStatement.rows(this.db, [
      results.map((r) => r.transferId),
      results.map((r) => r.status),
      results.map((r) => r.reason),
    ]);
    const changed = new Set(settled.map((row) => row.id));
    for (const { transferId, traceId, status, reason } of results) {
      runWithLogContext({ transferId, traceId }, () => {
        if (!stored.has(transferId)) {
          // Not dead-lettered: there is nothing it could ever be applied to (the ledger answers
          // requests payments never issued too, e.g. poison written straight into its topic).
          this.metrics.settlementRefusedResults.inc({ reason: 'unknown-transfer' });
          this.logger.warn('result for a transfer payments does not know; not applied');
          return;
        }
        if (!changed.has(transferId)) {
          this.logger.log('result changed nothing (already settled)');
          return;
        }
        // A duplicate result later in the same batch is reported as having changed nothing.
        changed.delete(transferId);
        this.metrics.paymentsTransfers.inc({ outcome: status });
        this.logger.log(`transfer ${status}${reason ? `: ${reason}` : ''}`);
      });
    }
  }
}
