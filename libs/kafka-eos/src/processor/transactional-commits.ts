import { randomUUID } from 'node:crypto';
import type { KafkaConsumer, TopicMessages } from '../client/kafka-client.js';
import { crashPoint } from '../crash-point.js';
import type { OutputRecord } from '../records.js';
import {
  TransactionalProducer,
  TransactionFailedError,
  type TransactionScope,
} from '../transactional-producer.js';
import {
  CommitFailedError,
  type CommitContext,
  type CommitStrategy,
  type PartitionCommitter,
} from './commit-strategy.js';

/**
 * Exactly-once: each batch's outputs and the partition's next offset in one Kafka transaction
 * (`sendOffsets`), for a client without group fencing: kafkajs sends no consumer-group metadata
 * with that commit (no KIP-447), so a zombie that lost the partition could still commit; fencing comes from one transactional
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
    return new TransactionalPartition(this.context, partition, {
      transact: (work) => producer.inTransaction(work),
      close: () => producer.close(),
    });
  }
}

/**
 * Exactly-once with a client that has group fencing (KIP-447): the offsets sent in a transaction
 * carry the consumer's group metadata, and the broker refuses the commit of a member the group
 * has replaced. One transactional producer serves all the partitions of this instance; its id
 * is this instance's own (`<prefix>.<topic>.<instanceId or a uuid>`) and fences nobody else. Batches that come to
 * commit while a transaction is under way go together into the next one, so one transaction
 * may cover all the partitions of a poll. After a failed transaction the producer is replaced.
 *
 * A crashed instance's open transaction is aborted by the next producer with its id: its own
 * restart, when it has a stable `instanceId`. Otherwise the coordinator aborts it at
 * `transaction.timeout.ms`, and until then the new owners' require-stable reads of the committed
 * offsets wait.
 */
export class GroupCommits implements CommitStrategy {
  private readonly transactionalId: string;
  private producer?: Promise<TransactionalProducer>;
  private waiting: Array<{
    work: (scope: TransactionScope) => Promise<void>;
    done: (error?: Error) => void;
  }> = [];
  private draining = false;

  constructor(
    private readonly context: CommitContext,
    private readonly consumer: () => KafkaConsumer,
  ) {
    const instance = context.instanceId ?? randomUUID();
    this.transactionalId = `${context.transactionalIdPrefix}.${context.topic}.${instance}`;
  }

  async connect(): Promise<void> {
    await this.currentProducer();
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.close();
  }

  async claim(partition: number): Promise<PartitionCommitter> {
    return new TransactionalPartition(this.context, partition, {
      transact: (work) => this.transact(work),
      close: async () => undefined,
      consumer: this.consumer,
    });
  }

  private currentProducer(): Promise<TransactionalProducer> {
    this.producer ??= TransactionalProducer.start(this.context.kafka, this.transactionalId, {
      transactionTimeoutMs: this.context.transactionTimeoutMs,
      maxBatchBytes: this.context.maxBatchBytes(),
    });
    const started = this.producer;
    started.catch(() => {
      if (this.producer === started) this.producer = undefined;
    });
    return started;
  }

  private transact(work: (scope: TransactionScope) => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ work, done: (error) => (error ? reject(error) : resolve()) });
      void this.drain();
    });
  }

  /** One transaction at a time, each with all the work that came while the last one ran. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    while (this.waiting.length > 0) {
      const together = this.waiting.splice(0);
      try {
        const producer = await this.currentProducer();
        await producer.inTransaction(async (scope) => {
          for (const { work } of together) await work(scope);
        });
        for (const { done } of together) done();
      } catch (error) {
        await this.disconnect();
        const failed = error instanceof Error ? error : new Error(String(error));
        for (const { done } of together) done(failed);
      }
    }
    this.draining = false;
  }
}

/** How one partition's batch gets its transaction. */
interface PartitionTransactions {
  transact(work: (scope: TransactionScope) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  /** The member that read the batch, whose group metadata goes with the offsets (KIP-447). */
  consumer?: () => KafkaConsumer;
}

class TransactionalPartition implements PartitionCommitter {
  private outputs: OutputRecord[] = [];

  constructor(
    private readonly context: CommitContext,
    private readonly partition: number,
    private readonly transactions: PartitionTransactions,
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
      await this.transactions.transact(async (tx) => {
        if (outputs.length > 0) await tx.send(groupByTopic(outputs));
        await tx.sendOffsets({
          groupId,
          topic,
          partitions: [{ partition: this.partition, offset: next.toString() }],
          consumer: this.transactions.consumer?.(),
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
    await this.transactions.close();
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
