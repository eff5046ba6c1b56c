import kafkajs, {
  Kafka,
  logLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type LogEntry,
  type Producer,
  type Transaction,
} from 'kafkajs';
import type { TransactionFailure } from '../../errors.js';
import type { EosLogger } from '../../logger.js';
import { toInputRecord } from '../../records.js';
import type {
  ConsumedBatch,
  ConsumerSettings,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  KafkaTransaction,
  KafkaTransactionalProducer,
  NewTopic,
  PartitionOffset,
  PlainProducerOptions,
  SaslCredentials,
  TopicMessages,
  TransactionalProducerSettings,
} from '../kafka-client.js';
import { classifyKafkajsError } from './kafkajs-errors.js';
import { assertKafkajsPatched } from './kafkajs-patches.js';
import { keyPartitioner } from './key-partitioner.js';

// kafkajs is CommonJS, and Node's ES module loader does not find `ConfigResourceTypes` among its
// named exports (it finds `Kafka` and `logLevel`): it is there on the module object.
const { ConfigResourceTypes } = kafkajs;

export interface KafkajsClientOptions {
  clientId: string;
  brokers: string[];
  logger: EosLogger;
  sasl?: SaslCredentials;
}

/**
 * The port on kafkajs 2.2.4 (patched: see kafkajs-patches.ts). kafkajs speaks the protocol of
 * before KIP-447: offsets committed in a transaction carry no group metadata, so the broker cannot
 * refuse a zombie's commit by its group generation; fencing comes from one transactional id per
 * input partition (see `TransactionalCommits`).
 */
export class KafkajsClient implements KafkaClient {
  readonly library = 'kafkajs';
  readonly groupFencing = false;
  /** The kafkajs client itself, for what the port does not cover (kafka-setup's ACLs). */
  readonly kafka: Kafka;

  /** Throws if the installed kafkajs lacks the project's patches. */
  constructor(options: KafkajsClientOptions) {
    assertKafkajsPatched();
    const { logger } = options;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...(options.sasl && { sasl: options.sasl }),
      logLevel: logLevel.WARN,
      // kafkajs logs errors it is about to retry at ERROR level (e.g. CONCURRENT_TRANSACTIONS
      // right after a commit); those reach `warn`.
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...rest } = log;
          (level <= logLevel.ERROR ? logger.warn : logger.log).call(
            logger,
            `kafkajs: ${message}`,
            rest,
          );
        },
    });
  }

  admin(): KafkaAdmin {
    return new KafkajsAdmin(this.kafka.admin());
  }

  producer(options: PlainProducerOptions): KafkaProducer {
    const producer = this.kafka.producer({
      createPartitioner: keyPartitioner,
      idempotent: options.idempotent,
      allowAutoTopicCreation: false,
      retry: { retries: options.retries },
    });
    return {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      send: async (batch) => {
        await producer.sendBatch({ topicMessages: batch, acks: options.acks });
      },
    };
  }

  transactionalProducer(options: TransactionalProducerSettings): KafkaTransactionalProducer {
    return new KafkajsTransactionalProducer(
      this.kafka.producer({
        createPartitioner: keyPartitioner,
        transactionalId: options.transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: options.transactionTimeoutMs,
        // Unbounded retries are kafkajs's default for an idempotent producer (fewer could break
        // its sequence numbers); the wait doubles up to 30 s, so a broker that is really away is
        // not hammered.
        retry: {
          initialRetryTime: options.initialRetryMs,
          retries: Number.MAX_SAFE_INTEGER,
          maxRetryTime: 30_000,
        },
      }),
    );
  }

  consumer(options: ConsumerSettings): KafkaConsumer {
    return new KafkajsConsumer(
      this.kafka.consumer({
        groupId: options.groupId,
        readUncommitted: false,
        sessionTimeout: options.sessionTimeoutMs,
        maxWaitTimeInMs: options.maxWaitMs,
        heartbeatInterval: options.heartbeatIntervalMs,
      }),
    );
  }

  classifyTransactionError(error: unknown): TransactionFailure {
    return classifyKafkajsError(error);
  }
}

class KafkajsTransactionalProducer implements KafkaTransactionalProducer {
  constructor(private readonly producer: Producer) {}

  async connect(): Promise<void> {
    await this.producer.connect();
    // kafkajs sends InitProducerId lazily, at the first transaction(); an empty transaction ends
    // locally without a request.
    const tx = await this.producer.transaction();
    await tx.abort();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  async begin(): Promise<KafkaTransaction> {
    return new KafkajsTransaction(await this.producer.transaction());
  }
}

class KafkajsTransaction implements KafkaTransaction {
  constructor(private readonly tx: Transaction) {}

  async send(batch: TopicMessages[]): Promise<void> {
    await this.tx.sendBatch({ topicMessages: batch });
  }

  async sendOffsets(groupId: string, topic: string, offsets: PartitionOffset[]): Promise<void> {
    await this.tx.sendOffsets({
      consumerGroupId: groupId,
      topics: [
        {
          topic,
          partitions: offsets.map(({ partition, offset, metadata }) => ({
            partition,
            offset,
            ...(metadata != null && { metadata }),
          })),
        },
      ],
    });
  }

  commit(): Promise<void> {
    return this.tx.commit();
  }

  abort(): Promise<void> {
    return this.tx.abort();
  }

  isActive(): boolean {
    return this.tx.isActive();
  }
}

class KafkajsAdmin implements KafkaAdmin {
  constructor(private readonly admin: Admin) {}

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async fewestReplicas(topics: string[]): Promise<Map<string, number>> {
    const { topics: found } = await this.admin.fetchTopicMetadata({ topics });
    return new Map(
      found.map(({ name, partitions }) => [
        name,
        Math.min(...partitions.map((p) => p.replicas.length)),
      ]),
    );
  }

  async createTopics(topics: NewTopic[]): Promise<void> {
    await this.admin.createTopics({ topics, waitForLeaders: true });
  }

  async topicConfig(topics: string[], name: string): Promise<Map<string, string>> {
    const { resources } = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((topic) => ({
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: [name],
      })),
    });
    const values = new Map<string, string>();
    for (const r of resources) {
      const entry = r.configEntries.find((e) => e.configName === name);
      if (entry) values.set(r.resourceName, entry.configValue);
    }
    return values;
  }

  async committedOffsets(groupId: string, topic: string): Promise<PartitionOffset[]> {
    const [entry] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).map(({ partition, offset, metadata }) => ({
      partition,
      offset,
      metadata,
    }));
  }
}

class KafkajsConsumer implements KafkaConsumer {
  constructor(private readonly consumer: Consumer) {}

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }

  subscribe(topic: string): Promise<void> {
    return this.consumer.subscribe({ topic, fromBeginning: true });
  }

  run(options: {
    partitionsConsumedConcurrently: number;
    eachBatch: (batch: ConsumedBatch) => Promise<void>;
  }): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: (payload) => options.eachBatch(consumedBatch(payload)),
    });
  }

  seek(topic: string, partition: number, offset: string): void {
    this.consumer.seek({ topic, partition, offset });
  }

  commitOffsets(topic: string, offsets: PartitionOffset[]): Promise<void> {
    return this.consumer.commitOffsets(
      offsets.map(({ partition, offset }) => ({ topic, partition, offset })),
    );
  }

  onGroupJoin(listener: () => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, listener);
  }
}

function consumedBatch(payload: EachBatchPayload): ConsumedBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    records: batch.messages.map((m) => toInputRecord(batch.topic, batch.partition, m)),
    lastOffset: () => batch.lastOffset(),
    offsetLag: () => batch.offsetLag(),
    heartbeat: () => payload.heartbeat(),
    isRunning: () => payload.isRunning(),
    isStale: () => payload.isStale(),
    resolveOffset: (offset) => payload.resolveOffset(offset),
  };
}
