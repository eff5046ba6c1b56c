import type { KafkaClient } from '../client/kafka-client.js';
import type { EosLogger } from '../logger.js';
import type { OutputRecord } from '../records.js';
import type { ProcessorObserver } from './processor-options.js';

/**
 * How one owned partition's outputs and offsets are committed: the only thing the three delivery
 * guarantees do differently. The processor calls `begin`, then `add` for each record's outputs,
 * then `commit`, for every batch; any of them may throw `CommitFailedError`.
 */
export interface PartitionCommitter {
  /**
   * Before the batch's records are handled, with the offset after the batch; true when that
   * offset is committed already (at-most-once).
   */
  begin(next: bigint): Promise<boolean>;
  /** One record's outputs: kept for the batch's transaction, or sent now. */
  add(outputs: OutputRecord[]): Promise<void>;
  /** After the batch's records were handled. */
  commit(next: bigint): Promise<void>;
  /** The partition is no longer ours, or its committer failed: release what it holds. */
  close(): Promise<void>;
}

export interface CommitStrategy {
  connect(): Promise<void>;
  /** This instance owns `partition` from now; exactly-once fences its previous owner here. */
  claim(partition: number): Promise<PartitionCommitter>;
  disconnect(): Promise<void>;
}

/** What the strategies need from the processor that runs them. */
export interface CommitContext {
  kafka: KafkaClient;
  groupId: string;
  topic: string;
  /** Transactional ids are `<prefix>.<topic>.<partition>` or `<prefix>.<topic>.<instance>`. */
  transactionalIdPrefix: string;
  /** This instance's stable name, if it has one (see `RecordProcessorOptions.instanceId`). */
  instanceId?: string;
  transactionTimeoutMs?: number;
  /** The most bytes one send may carry (known once the processor started). */
  maxBatchBytes: () => number;
  /** The consumer's own offset commit (the consumer is replaced when a start fails). */
  commitOffsets: (partition: number, next: bigint) => Promise<void>;
  logger: EosLogger;
  observer?: ProcessorObserver;
}

/**
 * A send or commit that did not happen: the batch must be processed again from the last committed
 * offset (`rewind`), unless another instance owns the partition now (fenced: nothing to rewind).
 */
export class CommitFailedError extends Error {
  override readonly name = 'CommitFailedError';
  constructor(
    message: string,
    readonly rewind: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}
