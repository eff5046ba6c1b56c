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
import { EventHeaders, type TransferResultV1 } from '#contracts';
import {
  crashPoint,
  ensureTopics,
  ExactlyOnceProcessor,
  KAFKA_CLIENT,
  type DeadLetterFailure,
  type InputRecord,
  type OutputRecord,
} from '#kafka-eos';
import { runWithLogContext, traceIdOf } from '#logging';
import { ledgerConfig } from '../config/ledger.config.js';
import { ledgerTransfers, postingObserver } from '../metrics/ledger-metrics.js';
import { applyTransfer, applyTransfers } from './apply-transfer.js';
import { decodeTransferRequested } from './decode-transfer-requested.js';
import { recoverTransferId, rejectUnapplicable } from './reject-unapplicable.js';

/**
 * Consumes `TransferRequested`, applies each transfer once in the ledger database, and produces
 * its `TransferSettled` / `TransferRejected` in the Kafka transaction that commits the input offset
 * (with DELIVERY_GUARANTEE at-least-once / at-most-once, before / after committing it instead).
 */
@Injectable()
export class PostingConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PostingConsumer.name);
  private processor?: ExactlyOnceProcessor;

  constructor(
    @Inject(ledgerConfig.KEY) private readonly config: ConfigType<typeof ledgerConfig>,
    private readonly db: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.posting.enabled) return;
    const { topics, topicPartitions, posting } = this.config;
    const { kafka } = this;
    this.processor = new ExactlyOnceProcessor({
      kafka,
      groupId: posting.consumerGroup,
      topic: topics.transferRequested,
      deadLetterTopic: topics.deadLetter,
      outputTopics: [topics.transferResults],
      maxAttempts: posting.maxAttempts,
      sessionTimeoutMs: posting.sessionTimeoutMs,
      transactionTimeoutMs: posting.transactionTimeoutMs,
      guarantee: posting.guarantee,
      partitionsConsumedConcurrently: posting.partitionsConcurrently,
      logger: this.logger,
      handler: (record) => this.handle(record),
      batchHandler: (records) => this.handleBatch(records),
      answerDeadLetter: (record, failure) => this.rejectUnapplicable(record, failure),
      observer: postingObserver,
    });
    if (posting.guarantee !== 'exactly-once')
      this.logger.warn(
        `posting with delivery guarantee ${posting.guarantee}: results may be lost or duplicated`,
      );
    this.processor.startInBackground(
      () =>
        ensureTopics(
          kafka,
          [
            { topic: topics.transferRequested, numPartitions: topicPartitions },
            { topic: topics.transferResults, numPartitions: topicPartitions, written: true },
            { topic: topics.deadLetter, numPartitions: 1, written: true },
          ],
          this.config.topicReplication,
        ),
      () => refuseToRun(),
    );
  }

  /** `disabled`, or whether posting consumes yet (`starting` while Kafka does not answer). */
  get state(): 'disabled' | ExactlyOnceProcessor['state'] {
    return this.processor?.state ?? 'disabled';
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor?.stop();
  }

  private async handle(record: InputRecord): Promise<OutputRecord[]> {
    return runWithLogContext(logContext(record), async () => {
      const event = decodeTransferRequested(record.value);
      const result = await applyTransfer(this.db, event);
      return this.answer(record, result);
    });
  }

  /** A whole batch in one database transaction; any failure, and the processor goes one by one. */
  private async handleBatch(records: InputRecord[]): Promise<OutputRecord[][]> {
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
  private async rejectUnapplicable(
    record: InputRecord,
    failure: DeadLetterFailure,
  ): Promise<OutputRecord[]> {
    const transferId = recoverTransferId(record);
    if (!transferId) {
      this.logger.error(
        `record ${record.topic}[${record.partition}:${record.offset}] names no transfer; dead-lettered unanswered`,
      );
      return [];
    }
    const reason = failure.poison ? 'INVALID_REQUEST' : 'PROCESSING_FAILED';
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
    ledgerTransfers.inc({ outcome, reason });
    this.logger.log(`transfer ${outcome}${reason ? `: ${reason}` : ''}`);
    return [toResultRecord(this.config.topics.transferResults, result, record.headers)];
  }
}

/** A misconfiguration found at start-up (logged by the processor): the ledger must not run. */
function refuseToRun(): never {
  process.exit(1);
}

function logContext(record: InputRecord): { transferId?: string; traceId?: string } {
  return {
    transferId: record.headers[EventHeaders.eventId] ?? undefined,
    traceId: traceIdOf(record.headers[EventHeaders.traceparent]),
  };
}

function toResultRecord(
  topic: string,
  result: TransferResultV1,
  inputHeaders: Record<string, string>,
): OutputRecord {
  const headers: Record<string, string> = {
    [EventHeaders.eventId]: result.eventId,
    [EventHeaders.eventType]: result.type,
    [EventHeaders.eventVersion]: String(result.version),
    [EventHeaders.contentType]: 'application/json',
  };
  const traceparent = inputHeaders[EventHeaders.traceparent];
  if (traceparent) headers[EventHeaders.traceparent] = traceparent;
  return { topic, key: result.transferId, value: JSON.stringify(result), headers };
}
