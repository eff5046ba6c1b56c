import { KafkaJS, type RdKafka } from '@confluentinc/kafka-javascript';
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
import { KafkajsClient } from '../kafkajs/kafkajs-client.js';
import { classifyConfluentError, ERR_FENCED } from './confluent-errors.js';
import { Connection } from './connection.js';

export interface ConfluentClientOptions {
  clientId: string;
  brokers: string[];
  logger: EosLogger;
  sasl?: SaslCredentials;
}

/**
 * Records per `eachBatch` (the library's default is 32, which makes a transaction per 32). Under
 * exactly-once every batch is one transaction of this instance's single producer (GroupCommits),
 * run one after another, each with a fixed cost of some 20 ms (AddPartitionsToTxn, often retried
 * after 20 ms on CONCURRENT_TRANSACTIONS while the last commit's markers are written; offsets;
 * EndTxn): 500 records a batch held the copy loop at ~18k records/s, 2,000 (about what kafkajs
 * fetches per partition, 1 MB, of 345 B records) reach ~26k.
 */
const MAX_BATCH_RECORDS = 2_000;
/** How long a produce waits for more records to fill its batch (librdkafka's default is 5 ms). */
const LINGER_MS = 5;
/**
 * librdkafka refuses, before sending, a record larger than its `message.max.bytes` (1,000,000 by
 * default: less than Kafka's own default limit of 1,048,588). The topics' `max.message.bytes`
 * is the limit that counts, and the project's sends are cut to it (`splitByBytes`,
 * `maxMessageBytes`), so the client's own is set well above it.
 */
const PRODUCER_SETTINGS = { 'linger.ms': LINGER_MS, 'message.max.bytes': 16 * 1024 * 1024 };
/** librdkafka's codes for records purged from its queue, or in flight, before being sent. */
const ERR_PURGE_QUEUE = -152;
const ERR_PURGE_INFLIGHT = -151;
/** How long sending a transaction's offsets may take (the library's fixed value is 5 s). */
const SEND_OFFSETS_TIMEOUT_MS = 30_000;

/**
 * The port on @confluentinc/kafka-javascript (librdkafka, through its KafkaJS-like API). Offsets
 * sent in a transaction carry the consumer's group metadata (KIP-447), so the broker refuses the
 * commit of a member the group replaced: one transactional producer per instance is enough
 * (`groupFencing`; see `GroupCommits`).
 *
 * The library's admin has no DescribeCluster or DescribeConfigs; those two (the broker count for
 * the replication check, and `max.message.bytes`) go through a kafkajs admin.
 */
export class ConfluentClient implements KafkaClient {
  readonly library = 'confluent';
  readonly groupFencing = true;
  private readonly kafka: KafkaJS.Kafka;
  /** Only for `describeCluster` and `topicConfig`. */
  private readonly describer: KafkajsClient;

  constructor(options: ConfluentClientOptions) {
    const { logger } = options;
    this.kafka = new KafkaJS.Kafka({
      kafkaJS: {
        clientId: options.clientId,
        brokers: options.brokers,
        ...(options.sasl && { sasl: options.sasl }),
        logLevel: KafkaJS.logLevel.WARN,
        logger: libraryLogger(logger),
      },
    });
    this.describer = new KafkajsClient(options);
  }

  admin(): KafkaAdmin {
    return new ConfluentAdmin(this.kafka.admin(), this.describer.admin());
  }

  producer(options: PlainProducerOptions): KafkaProducer {
    const producer = this.kafka.producer({
      kafkaJS: {
        acks: options.acks,
        idempotent: options.idempotent,
        allowAutoTopicCreation: false,
        retry: { retries: options.retries },
      },
      ...PRODUCER_SETTINGS,
    });
    const connection = new Connection(producer);
    return {
      connect: () => connection.connect(),
      disconnect: () => connection.disconnect(),
      send: async (batch) => {
        await producer.sendBatch({ topicMessages: batch.map(toLibraryMessages) });
      },
    };
  }

  transactionalProducer(options: TransactionalProducerSettings): KafkaTransactionalProducer {
    return new ConfluentTransactionalProducer(
      this.kafka,
      this.kafka.producer({
        kafkaJS: {
          transactionalId: options.transactionalId,
          idempotent: true,
          transactionTimeout: options.transactionTimeoutMs,
        },
        ...PRODUCER_SETTINGS,
        // librdkafka retries a failed produce itself, for as long as delivery.timeout.ms.
        'retry.backoff.ms': Math.max(1, options.initialRetryMs),
      }),
    );
  }

  consumer(options: ConsumerSettings): KafkaConsumer {
    return new ConfluentConsumer(this.kafka, options);
  }

  classifyTransactionError(error: unknown): TransactionFailure {
    return classifyConfluentError(error);
  }
}

function libraryLogger(logger: EosLogger): KafkaJS.Logger {
  const adapter: KafkaJS.Logger = {
    info: (message, extra) => logger.log(`confluent: ${message}`, { ...extra }),
    debug: () => undefined,
    warn: (message, extra) => logger.warn(`confluent: ${message}`, { ...extra }),
    error: (message, extra) => logger.warn(`confluent: ${message}`, { ...extra }),
    namespace: () => adapter,
    setLogLevel: () => undefined,
  };
  return adapter;
}

function toLibraryMessages({ topic, messages }: TopicMessages): KafkaJS.TopicMessages {
  return { topic, messages };
}

/** librdkafka's error events: a fatal one (e.g. fenced) leaves the producer unusable. */
interface LibraryErrorEvents {
  on(
    event: 'event.error',
    listener: (error: Error & { code?: number; isFatal?: boolean }) => void,
  ): void;
}

class ConfluentTransactionalProducer implements KafkaTransactionalProducer {
  private readonly connection: Connection;
  /**
   * The producer's fatal error, once librdkafka raised one. When a newer producer fences this
   * one, the step that meets it fails with a consequence ("Purged in queue" for the records in
   * flight); the cause comes as a separate error event, and is what a failed step reports.
   * Reported as `unknown`, it would make the caller start a new producer, which would fence the
   * newer one in turn.
   */
  private fatal?: Error & { code?: number };
  /**
   * Offsets of a group nobody joins (the relay's position) are sent with a consumer of that group
   * that never subscribes: its group metadata has no member and generation -1, which the broker
   * accepts as it does a commit without metadata.
   */
  private readonly groupHandles = new Map<string, Promise<KafkaJS.Consumer>>();

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly producer: KafkaJS.Producer,
  ) {
    this.connection = new Connection(producer);
  }

  /** The library's connect runs InitTransactions (InitProducerId) for a transactional id. */
  async connect(): Promise<void> {
    await this.connection.connect();
    internalClient<LibraryErrorEvents>(this.producer).on('event.error', (error) => {
      // The fenced event carries code -1 and no fatal flag (1.10.1): its message tells it.
      if (/fenced/i.test(error.message)) {
        this.fatal ??= Object.assign(new Error(error.message), { code: ERR_FENCED });
      } else if (error.isFatal) this.fatal ??= error;
    });
  }

  async disconnect(): Promise<void> {
    const handles = [...this.groupHandles.values()];
    this.groupHandles.clear();
    await Promise.all(
      handles.map((handle) =>
        handle.then((consumer) => consumer.disconnect()).catch(() => undefined),
      ),
    );
    await this.connection.disconnect();
  }

  async begin(): Promise<KafkaTransaction> {
    await this.step(() => this.producer.transaction());
    return new ConfluentTransaction(
      this.producer,
      (groupId) => this.groupHandle(groupId),
      (work) => this.step(work),
    );
  }

  /** Runs a step of a transaction; a failure after a fatal error reports the fatal error. */
  private async step<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // The fatal error's event may come a few milliseconds after the failure it causes: after
      // records purged from the queue (what a fatal error does to them), wait for it a little.
      const code = (error as { code?: unknown }).code;
      const purged = code === ERR_PURGE_QUEUE || code === ERR_PURGE_INFLIGHT;
      for (let waited = 0; !this.fatal && purged && waited < 200; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const fatal = this.fatal;
      if (fatal) {
        throw Object.assign(
          new Error(`${fatal.message} (then: ${String(error)})`, { cause: error }),
          {
            code: fatal.code,
          },
        );
      }
      throw error;
    }
  }

  private groupHandle(groupId: string): Promise<KafkaJS.Consumer> {
    let handle = this.groupHandles.get(groupId);
    if (!handle) {
      const consumer = this.kafka.consumer({ kafkaJS: { groupId, autoCommit: false } });
      handle = consumer.connect().then(() => consumer);
      handle.catch(() => this.groupHandles.delete(groupId));
      this.groupHandles.set(groupId, handle);
    }
    return handle;
  }
}

class ConfluentTransaction implements KafkaTransaction {
  constructor(
    private readonly producer: KafkaJS.Producer,
    private readonly groupHandle: (groupId: string) => Promise<KafkaJS.Consumer>,
    private readonly step: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  async send(batch: TopicMessages[]): Promise<void> {
    await this.step(() => this.producer.sendBatch({ topicMessages: batch.map(toLibraryMessages) }));
  }

  sendOffsets(
    groupId: string,
    topic: string,
    offsets: PartitionOffset[],
    consumer?: KafkaConsumer,
  ): Promise<void> {
    return this.step(() => this.sendOffsetsNow(groupId, topic, offsets, consumer));
  }

  private async sendOffsetsNow(
    groupId: string,
    topic: string,
    offsets: PartitionOffset[],
    consumer?: KafkaConsumer,
  ): Promise<void> {
    const member =
      consumer instanceof ConfluentConsumer ? consumer.raw : await this.groupHandle(groupId);
    // The KafkaJS-like `sendOffsets` drops each offset's metadata (which the relay's position
    // is kept in); the library's own producer underneath sends it.
    const producer = internalClient<RdKafka.Producer>(this.producer);
    const partitions: RdKafka.TopicPartitionOffsetAndMetadata[] = offsets.map(
      ({ partition, offset, metadata }) => ({
        topic,
        partition,
        offset: Number(offset),
        ...(metadata != null && { metadata }),
      }),
    );
    await new Promise<void>((resolve, reject) => {
      producer.sendOffsetsToTransaction(
        partitions,
        internalClient<RdKafka.KafkaConsumer>(member),
        SEND_OFFSETS_TIMEOUT_MS,
        // The error (with librdkafka's `code`) is the cause, as classifyConfluentError reads it.
        (error) =>
          error
            ? reject(new Error(`sending offsets failed: ${error.message}`, { cause: error }))
            : resolve(),
      );
    });
  }

  /** The library waits 5 s for the commit (not settable); a slower one fails as `unknown`. */
  commit(): Promise<void> {
    return this.step(() => this.producer.commit());
  }

  abort(): Promise<void> {
    return this.step(() => this.producer.abort());
  }

  isActive(): boolean {
    return this.producer.isActive();
  }
}

/**
 * The librdkafka client under one of the library's KafkaJS-like clients (its
 * `_getInternalClient()`, not in its types): checked, so that a library version without it fails
 * loudly, not quietly.
 */
function internalClient<T>(client: object): T {
  const inner = (client as { _getInternalClient?: () => T | null })._getInternalClient?.call(
    client,
  );
  if (!inner)
    throw new Error('@confluentinc/kafka-javascript: no internal client (not connected?)');
  return inner;
}

class ConfluentAdmin implements KafkaAdmin {
  private readonly connection: Connection;
  /**
   * The kafkajs describer connects on first use: most admins here only read committed offsets
   * (each partition claim opens one), and need no second client for that.
   */
  private describing: Promise<KafkaAdmin> | null = null;

  constructor(
    private readonly admin: KafkaJS.Admin,
    private readonly describer: KafkaAdmin,
  ) {
    this.connection = new Connection(admin);
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  async disconnect(): Promise<void> {
    const describing = this.describing;
    this.describing = null;
    if (describing) await describing.then((d) => d.disconnect()).catch(() => undefined);
    await this.connection.disconnect();
  }

  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    return (await this.connectedDescriber()).describeCluster();
  }

  async topicConfig(topics: string[], name: string): Promise<Map<string, string>> {
    return (await this.connectedDescriber()).topicConfig(topics, name);
  }

  /** A failed connect is released and forgotten, so the next call tries again. */
  private connectedDescriber(): Promise<KafkaAdmin> {
    this.describing ??= this.describer.connect().then(
      () => this.describer,
      async (error: unknown) => {
        this.describing = null;
        await this.describer.disconnect().catch(() => undefined);
        throw error;
      },
    );
    return this.describing;
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async fewestReplicas(topics: string[]): Promise<Map<string, number>> {
    const found = await this.admin.fetchTopicMetadata({ topics });
    return new Map(
      found.map(({ name, partitions }) => [
        name,
        Math.min(...partitions.map((p) => p.replicas.length)),
      ]),
    );
  }

  /** The library has no `waitForLeaders`: the metadata is polled until every partition has one. */
  async createTopics(topics: NewTopic[]): Promise<void> {
    await this.admin.createTopics({ topics });
    const names = topics.map((t) => t.topic);
    for (let attempt = 0; ; attempt++) {
      const found = await this.admin.fetchTopicMetadata({ topics: names }).catch(() => []);
      const led = found.filter(({ partitions }) => partitions.every((p) => p.leader >= 0));
      if (led.length === names.length) return;
      if (attempt === 100) throw new Error(`topics ${names.join(', ')} have no leaders yet`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Require-stable: while a transaction that commits offsets of the group is open, the broker
   * answers UNSTABLE_OFFSET_COMMIT and the read waits, so a new owner never starts from an offset
   * the old owner's transaction is about to move.
   */
  async committedOffsets(groupId: string, topic: string): Promise<PartitionOffset[]> {
    const [entry] = await this.admin.fetchOffsets({
      groupId,
      topics: [topic],
      requireStableOffsets: true,
    });
    return (entry?.partitions ?? []).map(({ partition, offset, metadata }) => ({
      partition,
      offset,
      metadata,
    }));
  }
}

class ConfluentConsumer implements KafkaConsumer {
  /** The library's consumer: its group metadata goes with the transaction's offsets. */
  readonly raw: KafkaJS.Consumer;
  private readonly connection: Connection;
  private readonly joinListeners: Array<() => void> = [];

  constructor(kafka: KafkaJS.Kafka, options: ConsumerSettings) {
    this.raw = kafka.consumer({
      kafkaJS: {
        groupId: options.groupId,
        fromBeginning: true,
        autoCommit: false,
        readUncommitted: false,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: options.heartbeatIntervalMs,
        maxWaitTimeInMs: options.maxWaitMs,
      },
      'js.consumer.max.batch.size': MAX_BATCH_RECORDS,
      // The library has no group-join event: a rebalance (revoke, then assign) is the moment
      // partitions may change owners.
      rebalance_cb: () => {
        for (const listener of this.joinListeners) listener();
      },
    });
    this.connection = new Connection(this.raw);
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  subscribe(topic: string): Promise<void> {
    return this.raw.subscribe({ topics: [topic] });
  }

  run(options: {
    partitionsConsumedConcurrently: number;
    eachBatch: (batch: ConsumedBatch) => Promise<void>;
  }): Promise<void> {
    return this.raw.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: (payload) => options.eachBatch(consumedBatch(payload)),
    });
  }

  seek(topic: string, partition: number, offset: string): void {
    this.raw.seek({ topic, partition, offset });
  }

  commitOffsets(topic: string, offsets: PartitionOffset[]): Promise<void> {
    return this.raw.commitOffsets(
      offsets.map(({ partition, offset }) => ({ topic, partition, offset })),
    );
  }

  onGroupJoin(listener: () => void): void {
    this.joinListeners.push(listener);
  }
}

function consumedBatch(payload: KafkaJS.EachBatchPayload): ConsumedBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    records: batch.messages.map((m) => toInputRecord(batch.topic, batch.partition, m)),
    // The library's lastOffset is its last record's: control records (transaction markers) after
    // it are not counted, so a drained partition's committed offset may stop before its end.
    lastOffset: () => batch.lastOffset(),
    offsetLag: () => batch.offsetLag(),
    // librdkafka heartbeats from its own thread; the KafkaJS layer's heartbeat does nothing.
    heartbeat: () => payload.heartbeat(),
    isRunning: () => payload.isRunning(),
    isStale: () => payload.isStale(),
    resolveOffset: (offset) => payload.resolveOffset(offset),
  };
}
