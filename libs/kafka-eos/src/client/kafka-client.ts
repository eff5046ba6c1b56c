import type { TransactionFailure } from '../errors.js';
import type { InputRecord } from '../records.js';

/**
 * The Kafka client port: the few things the exactly-once machinery asks of a Kafka client
 * library, as small interfaces. Everything outside `client/<library>/` speaks only these; an
 * adapter (`kafkajs`, `confluent`) implements them. Offsets are decimal strings, as Kafka's
 * 64-bit offsets do not fit a JavaScript number.
 */
export type KafkaClientName = 'kafkajs' | 'confluent';

export const kafkaClientNames = [
  'kafkajs',
  'confluent',
] as const satisfies readonly KafkaClientName[];

/** A record to produce. */
export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  /** By default the partition follows from the key. */
  partition?: number;
}

/** Records to produce to one topic. */
export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

/** The committed offset of one partition: the next record to read, and its metadata. */
export interface PartitionOffset {
  partition: number;
  offset: string;
  metadata?: string | null;
}

/** A principal on a SASL/SCRAM listener. */
export interface SaslCredentials {
  mechanism: 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaClient {
  /** Which library this is (logged, and shown by the benchmarks). */
  readonly library: KafkaClientName;
  /**
   * True when offsets sent in a transaction carry the consumer's group metadata (KIP-447): the
   * broker then refuses the commit of a member the group has replaced, so one transactional
   * producer per instance is enough. False: fencing needs one transactional id per input
   * partition.
   */
  readonly groupFencing: boolean;
  admin(): KafkaAdmin;
  /** A plain producer: no transactions; `acks`, `idempotent` and `retries` as given. */
  producer(options: PlainProducerOptions): KafkaProducer;
  transactionalProducer(options: TransactionalProducerSettings): KafkaTransactionalProducer;
  consumer(options: ConsumerSettings): KafkaConsumer;
  /** What a failed transaction step means, from this library's errors. */
  classifyTransactionError(error: unknown): TransactionFailure;
}

export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  describeCluster(): Promise<{ brokers: number; controller: number | null }>;
  listTopics(): Promise<string[]>;
  /** For each topic, the fewest replicas any of its partitions has. */
  fewestReplicas(topics: string[]): Promise<Map<string, number>>;
  /** Creates the topics and waits for their partitions' leaders. */
  createTopics(topics: NewTopic[]): Promise<void>;
  /** The value of config `name` of each topic that sets it or inherits it from the broker. */
  topicConfig(topics: string[], name: string): Promise<Map<string, string>>;
  /** The group's committed offsets on `topic` (offset `-1`: none committed). */
  committedOffsets(groupId: string, topic: string): Promise<PartitionOffset[]>;
}

export interface NewTopic {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: Array<{ name: string; value: string }>;
}

export interface PlainProducerOptions {
  /** 0, 1 or -1 (all in-sync replicas). */
  acks: 0 | 1 | -1;
  idempotent: boolean;
  /** Retries of a failed send (0: none). */
  retries: number;
}

export interface KafkaProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(batch: TopicMessages[]): Promise<void>;
}

export interface TransactionalProducerSettings {
  transactionalId: string;
  transactionTimeoutMs: number;
  /** First wait before a retried send (it doubles up to 30 s). */
  initialRetryMs: number;
}

export interface KafkaTransactionalProducer {
  /**
   * Connects and registers the transactional id with its coordinator (InitProducerId), which
   * fences every older producer with this id and completes or aborts its open transaction.
   */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  begin(): Promise<KafkaTransaction>;
}

export interface KafkaTransaction {
  send(batch: TopicMessages[]): Promise<void>;
  /**
   * Commits `offsets` of `groupId` on `topic` with the transaction. With `groupFencing`, the
   * offsets carry the group metadata of `consumer` (the member that read the records); without a
   * consumer (a position kept in a group nobody joins, as the relay's) they carry none.
   */
  sendOffsets(
    groupId: string,
    topic: string,
    offsets: PartitionOffset[],
    consumer?: KafkaConsumer,
  ): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}

export interface ConsumerSettings {
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Longest wait of a fetch for records to arrive. */
  maxWaitMs: number;
}

/**
 * A consumer that reads committed records only (read_committed), never commits by itself, and
 * starts at the earliest offset when its group has none.
 */
export interface KafkaConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(topic: string): Promise<void>;
  /** Starts fetching; `eachBatch` gets one partition's batch at a time per concurrent slot. */
  run(options: {
    partitionsConsumedConcurrently: number;
    eachBatch: (batch: ConsumedBatch) => Promise<void>;
  }): Promise<void>;
  /** The partition's next fetch starts at `offset`; the batch being handled goes stale. */
  seek(topic: string, partition: number, offset: string): void;
  /** The consumer group's own offset commit (outside any transaction). */
  commitOffsets(topic: string, offsets: PartitionOffset[]): Promise<void>;
  /** Called after each (re)join of the group, when partitions may have changed owners. */
  onGroupJoin(listener: () => void): void;
}

/** One partition's fetched records, and what the consumer lets the handler do meanwhile. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: InputRecord[];
  /** The offset of the batch's last entry, control records (transaction markers) included. */
  lastOffset(): string;
  /** Records behind the partition's end after this batch. */
  offsetLag(): string;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** True once the partition was sought or lost: what is handled now will not be committed. */
  isStale(): boolean;
  /** The consumer's next fetch of this partition starts after `offset`. */
  resolveOffset(offset: string): void;
}
