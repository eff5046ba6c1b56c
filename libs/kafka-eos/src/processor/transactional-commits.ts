import type { TopicMessages } from '../client/kafka-client.js';
import { crashPoint } from '../crash-point.js';
import type { OutputRecord } from '../records.js';
import { TransactionalProducer, TransactionFailedError } from '../transactional-producer.js';
import {
  CommitFailedError,
  type CommitContext,
  type CommitStrategy,
  type PartitionCommitter,
} from './commit-strategy.js';

/**
 * Exactly-once: each batch's outputs and the partition's next offset in one Kafka transaction
 * (`sendOffsets`). kafkajs sends no consumer-group metadata with that commit (no KIP-447), so a
 * zombie that lost the partition could still commit; fencing comes from one transactional
 * producer per input partition with a stable id, started when the partition is claimed, before
 * the processor trusts its committed offset: that fences the old owner and settles its open
 * transaction.
 */
export class TransactionalCommits implements CommitStrategy {
  constructor(private readonly context: CommitContext) {}

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  async claim(partition: number): Promise<PartitionCommitter> {
    const { kafka, topic, transactionalIdPrefix, transactionTimeoutMs } = this.context;
    const producer = await TransactionalProducer.start(
      kafka,
      `${transactionalIdPrefix}.${topic}.${partition}`,
      { transactionTimeoutMs, maxBatchBytes: this.context.maxBatchBytes() },
    );
    return new TransactionalPartition(this.context, partition, producer);
  }
}

class TransactionalPartition implements PartitionCommitter {
  private outputs: OutputRecord[] = [];

  constructor(
    private readonly context: CommitContext,
    private readonly partition: number,
    private readonly producer: TransactionalProducer,
  ) {}

  async begin(): Promise<boolean> {
    this.outputs = [];
    return false;
  }

  async add(outputs: OutputRecord[]): Promise<void> {
    this.outputs.push(...outputs);
  }

  async commit(next: bigint): Promise<void> {
    const { groupId, topic, observer } = this.context;
    const outputs = this.outputs;
    this.outputs = [];
    try {
      await this.producer.inTransaction(async (tx) => {
        if (outputs.length > 0) await tx.send(groupByTopic(outputs));
        await tx.sendOffsets({
          groupId,
          topic,
          partitions: [{ partition: this.partition, offset: next.toString() }],
        });
        crashPoint('eos.before-commit');
      });
      crashPoint('eos.after-commit');
      observer?.transaction?.('committed');
    } catch (error) {
      const failure = error instanceof TransactionFailedError ? error.failure : 'unknown';
      const where = `${topic}[${this.partition}]`;
      if (failure === 'fenced') {
        // The next batch of this partition, if it is still ours, claims it again; if another
        // instance owns it, the group tells this one at its next heartbeat.
        observer?.transaction?.('fenced');
        throw new CommitFailedError(
          `partition ${where} was taken over by another instance (fenced)`,
          false,
          { cause: error },
        );
      }
      observer?.transaction?.(failure === 'timed-out' ? 'timed-out' : 'failed');
      throw new CommitFailedError(
        failure === 'timed-out'
          ? `transaction for ${where} ran past its timeout and was aborted`
          : `transaction for ${where} failed`,
        true,
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

export function groupByTopic(records: OutputRecord[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const r of records) {
    const entry = byTopic.get(r.topic) ?? { topic: r.topic, messages: [] };
    entry.messages.push({ key: r.key ?? null, value: r.value, headers: r.headers });
    byTopic.set(r.topic, entry);
  }
  return [...byTopic.values()];
}
