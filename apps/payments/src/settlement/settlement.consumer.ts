import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import {
  createKafka,
  ensureTopics,
  ExactlyOnceProcessor,
  rethrowDependencyErrors,
  type InputRecord,
} from '#kafka-eos';
import { EventHeaders } from '#contracts';
import { runWithLogContext, traceIdOf } from '#logging';
import { paymentsConfig } from '../config/payments.config.js';
import { paymentsTransfers, settlementObserver } from '../metrics/payments-metrics.js';
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.settlement.enabled) return;
    const kafka = createKafka({
      clientId: 'payments-settlement',
      brokers: this.config.kafkaBrokers,
      logger: this.logger,
    });
    const { transferResults } = this.config.topics;
    const deadLetterTopic = `${transferResults}.dlq`;
    await ensureTopics(kafka, [
      { topic: transferResults, numPartitions: this.config.topicPartitions },
      { topic: deadLetterTopic, numPartitions: 1 },
    ]);
    this.processor = new ExactlyOnceProcessor({
      kafka,
      groupId: this.config.settlement.consumerGroup,
      sessionTimeoutMs: this.config.settlement.sessionTimeoutMs,
      topic: transferResults,
      deadLetterTopic,
      logger: this.logger,
      observer: settlementObserver,
      handler: async (record) => {
        await this.settle(record);
        return [];
      },
    });
    await this.processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor?.stop();
  }

  private async settle(record: InputRecord): Promise<void> {
    const { transferId, status, reason } = decodeTransferResult(record.value);
    const traceId = traceIdOf(record.headers[EventHeaders.traceparent]);
    await runWithLogContext({ transferId, traceId }, async () => {
      // TypeORM answers an UPDATE with [rows, affected].
      const [rows] = (await this.db
        .query(
          `update transfers set status = $2, reason = $3, updated_at = now()
            where id = $1 and status = 'pending' returning id`,
          [transferId, status, reason],
        )
        .catch(rethrowDependencyErrors)) as [unknown[], number];
      if (rows.length > 0) paymentsTransfers.inc({ outcome: status });
      this.logger.log(
        rows.length === 0
          ? 'result changed nothing (already settled or unknown transfer)'
          : `transfer ${status}${reason ? `: ${reason}` : ''}`,
      );
    });
  }
}
