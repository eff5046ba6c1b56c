import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ensureTopics, ExactlyOnceProcessor, KAFKA_CLIENT, type InputRecord } from '#kafka-eos';
import { deadLetterTopicOf, EventHeaders } from '#contracts';
import { runWithLogContext, traceIdOf } from '#logging';
import { paymentsConfig } from '../config/payments.config.js';
import {
  paymentsTransfers,
  settlementObserver,
  settlementRefusedResults,
} from '../metrics/payments-metrics.js';
import { mismatchedFields, MismatchedResultError, type StoredTerms } from './check-result.js';
import { decodeTransferResult } from './decode-transfer-result.js';

/**
 * Consumes the ledger's results and settles transfers: pending → completed or rejected.
 * The update only moves a pending transfer, so a result seen twice changes nothing the second
 * time; offsets still commit through the same exactly-once processor as the ledger's.
 */
@Injectable()
export class SettlementConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SettlementConsumer.name);
  private processor?: ExactlyOnceProcessor;

  constructor(
    @Inject(paymentsConfig.KEY) private readonly config: ConfigType<typeof paymentsConfig>,
    private readonly db: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.settlement.enabled) return;
    const { kafka } = this;
    const { transferResults } = this.config.topics;
    const deadLetterTopic = deadLetterTopicOf(transferResults);
    this.processor = new ExactlyOnceProcessor({
      kafka,
      groupId: this.config.settlement.consumerGroup,
      sessionTimeoutMs: this.config.settlement.sessionTimeoutMs,
      transactionTimeoutMs: this.config.settlement.transactionTimeoutMs,
      guarantee: this.config.settlement.guarantee,
      partitionsConsumedConcurrently: this.config.settlement.partitionsConcurrently,
      topic: transferResults,
      deadLetterTopic,
      logger: this.logger,
      observer: settlementObserver,
      handler: async (record) => {
        await this.settle(record);
        return [];
      },
      batchHandler: async (records) => {
        await this.settleAll(records);
        return records.map(() => []);
      },
    });
    // Accepting transfers needs no Kafka: settlement starts when Kafka answers, not before the
    // API may serve.
    this.processor.startInBackground(
      () =>
        ensureTopics(
          kafka,
          [
            { topic: transferResults, numPartitions: this.config.topicPartitions },
            { topic: deadLetterTopic, numPartitions: 1, written: true },
          ],
          this.config.topicReplication,
        ),
      // A misconfiguration found at start-up (logged by the processor): payments must not run.
      () => process.exit(1),
    );
  }

  /** `disabled`, or whether settlement consumes yet (`starting` while Kafka does not answer). */
  get state(): 'disabled' | ExactlyOnceProcessor['state'] {
    return this.processor?.state ?? 'disabled';
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor?.stop();
  }

  private async settle(record: InputRecord): Promise<void> {
    try {
      await this.settleAll([record]);
    } catch (error) {
      if (error instanceof MismatchedResultError) {
        // Counted here, where it is dead-lettered (a batch holding it is retried record by record).
        settlementRefusedResults.inc({ reason: 'mismatch' });
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
    const rows = await this.db.query<StoredTerms[]>(
      `select id, debit_account_id as "debitAccountId", credit_account_id as "creditAccountId",
              amount::text as amount, currency
         from transfers where id = any($1::uuid[])`,
      [ids],
    );
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
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [settled] = await this.db.query<[Array<{ id: string }>, number]>(
      `update transfers t set status = r.status, reason = r.reason, updated_at = clock_timestamp()
           from unnest($1::uuid[], $2::text[], $3::text[]) as r(id, status, reason)
          where t.id = r.id and t.status = 'pending'
          returning t.id`,
      [
        results.map((r) => r.transferId),
        results.map((r) => r.status),
        results.map((r) => r.reason),
      ],
    );
    const changed = new Set(settled.map((row) => row.id));
    for (const { transferId, traceId, status, reason } of results) {
      runWithLogContext({ transferId, traceId }, () => {
        if (!stored.has(transferId)) {
          // Not dead-lettered: there is nothing it could ever be applied to (the ledger answers
          // requests payments never issued too, e.g. poison written straight into its topic).
          settlementRefusedResults.inc({ reason: 'unknown-transfer' });
          this.logger.warn('result for a transfer payments does not know; not applied');
          return;
        }
        if (!changed.has(transferId)) {
          this.logger.log('result changed nothing (already settled)');
          return;
        }
        // A duplicate result later in the same batch is reported as having changed nothing.
        changed.delete(transferId);
        paymentsTransfers.inc({ outcome: status });
        this.logger.log(`transfer ${status}${reason ? `: ${reason}` : ''}`);
      });
    }
  }
}
