import { splitByBytes } from '../batch-bytes.js';
import { crashPoint } from '../crash-point.js';
import type { KafkaProducer } from '../client/kafka-client.js';
import { createPlainProducer, type DeliveryGuarantee } from '../delivery-guarantee.js';
import type { OutputRecord } from '../records.js';
import {
  CommitFailedError,
  type CommitContext,
  type CommitStrategy,
  type PartitionCommitter,
} from './commit-strategy.js';
import { groupByTopic } from './transactional-commits.js';

type PlainGuarantee = Exclude<DeliveryGuarantee, 'exactly-once'>;

/**
 * At-least-once and at-most-once: one plain producer for all partitions, each record's outputs
 * sent and awaited as soon as it is handled, and the consumer's own offset commit after the
 * batch (at-least-once) or before it (at-most-once). See `DeliveryGuarantee` for what a crash
 * costs under each.
 */
export class PlainCommits implements CommitStrategy {
  private readonly producer: KafkaProducer;

  constructor(
    private readonly context: CommitContext,
    private readonly guarantee: PlainGuarantee,
  ) {
    this.producer = createPlainProducer(context.kafka, guarantee);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  async claim(partition: number): Promise<PartitionCommitter> {
    return new PlainPartition(this.context, this.guarantee, partition, this.producer);
  }
}

class PlainPartition implements PartitionCommitter {
  constructor(
    private readonly context: CommitContext,
    private readonly guarantee: PlainGuarantee,
    private readonly partition: number,
    private readonly producer: KafkaProducer,
  ) {}

  async begin(next: bigint): Promise<boolean> {
    // Committed before anything is handled: a crash from here on loses the rest of the batch.
    if (this.guarantee !== 'at-most-once') return false;
    await this.commitOffsets(next);
    return true;
  }

  /**
   * A failed send is dropped under at-most-once; under at-least-once the partition is rewound,
   * so the batch (and the outputs it already sent) comes again.
   */
  async add(outputs: OutputRecord[]): Promise<void> {
    if (outputs.length === 0) return;
    try {
      const topics = splitByBytes(groupByTopic(outputs), this.context.maxBatchBytes());
      for (const topicMessages of topics) {
        await this.producer.send(topicMessages);
      }
    } catch (error) {
      const where = `${this.context.topic}[${this.partition}]`;
      if (this.guarantee === 'at-least-once')
        throw new CommitFailedError(`send for ${where} failed`, true, { cause: error });
      this.context.logger.warn(`dropped outputs of ${where}`, { error: String(error) });
    }
  }

  async commit(next: bigint): Promise<void> {
    if (this.guarantee === 'at-least-once') await this.commitOffsets(next);
  }

  async close(): Promise<void> {}

  private async commitOffsets(next: bigint): Promise<void> {
    try {
      crashPoint('eos.before-commit');
      await this.context.commitOffsets(this.partition, next);
      crashPoint('eos.after-commit');
    } catch (error) {
      throw new CommitFailedError(
        `offset commit for ${this.context.topic}[${this.partition}] failed`,
        true,
        { cause: error },
      );
    }
  }
}
