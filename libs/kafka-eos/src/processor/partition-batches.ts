import type { ConsumedBatch, KafkaAdmin, KafkaConsumer } from '../client/kafka-client.js';
import { backoffMs, delay } from '../backoff.js';
import { fetchCommittedOffset } from '../committed-offset.js';
import { crashPoint } from '../crash-point.js';
import {
  CommitFailedError,
  type CommitStrategy,
  type PartitionCommitter,
} from './commit-strategy.js';
import type { RecordHandling } from './handle-records.js';
import type { RecordProcessorOptions } from './processor-options.js';

/** What this instance knows about a partition it owns. */
interface PartitionState {
  committer: PartitionCommitter;
  /** The next offset to process: committed by this instance, or read after claiming. */
  nextOffset: bigint;
}

/**
 * The batches of the partitions this instance owns. A partition is claimed before its first
 * batch (exactly-once fences the previous owner there) and only then is its committed offset
 * trusted. After a failed or uncertain send or commit the partition is rewound to its last
 * committed offset and the batch comes again: this is the one place where rewinding happens.
 */
export class PartitionBatches {
  private readonly partitions = new Map<number, PartitionState>();

  constructor(
    private readonly options: RecordProcessorOptions,
    private readonly clients: {
      consumer: KafkaConsumer;
      admin: KafkaAdmin;
      commits: CommitStrategy;
      handling: RecordHandling;
    },
  ) {}

  /** A (re)join may hand a partition to a new owner and back: forget what we knew. */
  forgetPartitions(): void {
    for (const state of this.partitions.values()) void state.committer.close();
    this.partitions.clear();
  }

  /** Claims the partition (exactly-once: fences its previous owner), then reads its offset. */
  private async claim(partition: number): Promise<PartitionState> {
    const known = this.partitions.get(partition);
    if (known) return known;
    crashPoint('eos.before-claim');
    const { groupId, topic } = this.options;
    const committer = await this.clients.commits.claim(partition);
    const committed = await fetchCommittedOffset(this.clients.admin, groupId, topic, partition);
    const state = { committer, nextOffset: committed ?? 0n };
    this.partitions.set(partition, state);
    this.options.logger.log(`claimed ${topic}[${partition}] at offset ${state.nextOffset}`);
    return state;
  }

  async process(batch: ConsumedBatch): Promise<void> {
    const { partition } = batch;
    const heartbeat = () => batch.heartbeat();
    const isRunning = () => batch.isRunning();
    const isStale = () => batch.isStale();
    const state = await this.claim(partition).catch((error: unknown) => {
      // Broker unavailable or coordinator moving: nothing was processed; the consumer fetches
      // the batch again since no offset was resolved.
      this.options.logger.warn(`cannot claim ${batch.topic}[${partition}] yet`, {
        error: String(error),
      });
      return delay(backoffMs(2)).then(() => undefined);
    });
    if (!state) return;
    // Records before nextOffset were committed already (a fetch that began before we claimed).
    const records = batch.records.filter((r) => BigInt(r.offset) >= state.nextOffset);
    const last = records.at(-1);
    if (!last) {
      // All of it was: the consumer fetches from the offset it last resolved, which lags behind when a
      // commit succeeded but was reported failed, or the previous owner committed between our
      // join and our claim. Left alone, it would fetch this same batch for ever.
      this.options.logger.warn(
        `batch of ${batch.topic}[${partition}] ends before the committed offset; moving to ${state.nextOffset}`,
      );
      this.clients.consumer.seek(batch.topic, partition, state.nextOffset.toString());
      return;
    }
    this.options.observer?.batch?.(partition, records.length, Number(batch.offsetLag()));
    // Past trailing control records too, so a drained partition's committed offset is its end.
    const next =
      last === batch.records.at(-1) ? BigInt(batch.lastOffset()) + 1n : BigInt(last.offset) + 1n;
    try {
      // At-most-once commits here, before anything is handled.
      if (await state.committer.begin(next)) state.nextOffset = next;
      const together = await this.clients.handling.together(records, heartbeat, isRunning);
      for (const [index, record] of records.entries()) {
        // Rewound (a seek): nothing is committed. Shutting down is no reason to stop half-way: the
        // batch's database work is done, and its commit spares the next owner the redelivery.
        if (isStale()) return;
        const outputs =
          together?.[index] ?? (await this.clients.handling.alone(record, heartbeat, isRunning));
        if (!outputs) return; // shutting down in the middle of a retry
        await state.committer.add(outputs);
        // After each record's outputs are sent (or kept for the transaction): the same instant
        // under every guarantee, for tests that compare them.
        crashPoint('eos.after-record');
        await heartbeat();
      }
      await state.committer.commit(next);
    } catch (error) {
      if (!(error instanceof CommitFailedError)) throw error;
      await this.rewind(partition, state, error);
      return;
    }
    state.nextOffset = next;
    this.clients.handling.committed(records);
    batch.resolveOffset(last.offset);
    await heartbeat();
  }

  /**
   * After a failed send or commit: the partition's state is dropped (its next batch claims it
   * again) and, unless another instance owns it now, it is read again from its last committed
   * offset.
   */
  private async rewind(
    partition: number,
    state: PartitionState,
    error: CommitFailedError,
  ): Promise<void> {
    const { topic, logger } = this.options;
    this.partitions.delete(partition);
    await state.committer.close();
    if (!error.rewind) {
      logger.warn(error.message);
      return;
    }
    logger.warn(`${error.message}; rewinding to ${state.nextOffset}`, {
      error: String(error.cause),
    });
    await delay(backoffMs(1));
    this.clients.consumer.seek(topic, partition, state.nextOffset.toString());
  }
}
