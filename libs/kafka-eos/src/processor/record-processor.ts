import type { KafkaAdmin, KafkaConsumer } from '../client/kafka-client.js';
import { backoffMs, delay } from '../backoff.js';
import { maxMessageBytes } from '../ensure-topics.js';
import type { CommitStrategy } from './commit-strategy.js';
import { RecordHandling } from './handle-records.js';
import { PartitionBatches } from './partition-batches.js';
import { PlainCommits } from './plain-commits.js';
import type { RecordProcessorOptions } from './processor-options.js';
import { GroupCommits, TransactionalCommits } from './transactional-commits.js';

/**
 * Consume-transform-produce on the Kafka client port, under one of three delivery guarantees.
 *
 * Reads with read_committed and never auto-commits. Each fetched batch of a partition
 * (`PartitionBatches`) is handled (`RecordHandling`: together or one by one, outages waited out,
 * poison dead-lettered) and its outputs and next offset committed as the guarantee says
 * (`CommitStrategy`: one Kafka transaction under exactly-once). This class owns the clients and
 * the start and stop of it all.
 */
export class RecordProcessor {
  private consumer!: KafkaConsumer;
  private admin!: KafkaAdmin;
  private commits!: CommitStrategy;
  private batches!: PartitionBatches;
  private readonly handling: RecordHandling;
  private maxBatchBytes = 0;
  private readonly stopping = new AbortController();
  private starting?: Promise<void>;
  /**
   * `starting` until Kafka answered and the consumer runs; `failed` when start-up met an error
   * that waiting does not cure; `stopped` after `stop()`.
   */
  state: 'starting' | 'running' | 'failed' | 'stopped' = 'starting';

  constructor(private readonly options: RecordProcessorOptions) {
    this.handling = new RecordHandling({
      handler: options.handler,
      answerDeadLetter: options.answerDeadLetter,
      deadLetterTopic: options.deadLetterTopic,
      together: options.together ?? false,
      maxRecordsTogether: options.maxRecordsTogether ?? 200,
      maxAttempts: options.maxAttempts ?? 5,
      maxBytes: () => this.maxBatchBytes,
      logger: options.logger,
      observer: options.observer,
    });
    this.createClients();
  }

  /** Fresh clients: a start that failed half-way is retried with new ones. */
  private createClients(): void {
    const { kafka, groupId, topic, guarantee = 'exactly-once' } = this.options;
    const context = {
      kafka,
      groupId,
      topic,
      transactionalIdPrefix: this.options.transactionalIdPrefix ?? groupId,
      instanceId: this.options.instanceId,
      transactionTimeoutMs: this.options.transactionTimeoutMs,
      maxBatchBytes: () => this.maxBatchBytes,
      commitOffsets: (partition: number, next: bigint) =>
        this.consumer.commitOffsets(topic, [{ partition, offset: next.toString() }]),
      logger: this.options.logger,
      observer: this.options.observer,
    };
    this.commits =
      guarantee !== 'exactly-once'
        ? new PlainCommits(context, guarantee)
        : kafka.groupFencing
          ? new GroupCommits(context, () => this.consumer)
          : new TransactionalCommits(context);
    this.admin = kafka.admin();
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeoutMs: sessionTimeout,
      // kafkajs heartbeats on the connection its long-polling fetches hold: keep the fetch wait
      // well under the session timeout, or an idle instance can miss its session.
      maxWaitMs: Math.min(1_000, Math.floor(sessionTimeout / 6)),
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 3_000,
    });
    this.batches = new PartitionBatches(this.options, {
      consumer: this.consumer,
      admin: this.admin,
      commits: this.commits,
      handling: this.handling,
    });
  }

  /** Connects and starts consuming; throws when Kafka does not answer (see `startInBackground`). */
  async start(): Promise<void> {
    const { kafka, deadLetterTopic, outputTopics = [] } = this.options;
    this.maxBatchBytes = await maxMessageBytes(kafka, [deadLetterTopic, ...outputTopics]);
    await this.admin.connect();
    await this.commits.connect();
    await this.consumer.connect();
    // Every (re)join may hand a partition to a new owner and back: forget what we knew.
    this.consumer.onGroupJoin(() => this.batches.forgetPartitions());
    await this.consumer.subscribe(this.options.topic);
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (batch) => this.batches.process(batch),
    });
    this.state = 'running';
  }

  /**
   * Starts without waiting for Kafka: `prepare` (e.g. creating the topics) and `start` are tried
   * again with backoff until they succeed or `stop()` is called, so a service whose other work
   * needs no Kafka (an HTTP API, say) starts and serves while Kafka is away. An error marked
   * `fatal` (e.g. a `TopicReplicationError`) is not retried: `onFatal` hears of it.
   */
  startInBackground(
    prepare: () => Promise<void> = async () => undefined,
    onFatal: (error: Error) => void = () => undefined,
  ): void {
    const { logger, topic } = this.options;
    this.starting = (async () => {
      for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
        try {
          await prepare();
          await this.start();
          if (attempt > 0) logger.log(`consuming ${topic} after ${attempt} retries`);
          return;
        } catch (error) {
          await this.disconnect();
          if (error instanceof Error && (error as { fatal?: unknown }).fatal === true) {
            logger.error(`cannot consume ${topic}: ${error.message}`);
            this.state = 'failed';
            onFatal(error);
            return;
          }
          logger.warn(`cannot start consuming ${topic} yet; retrying`, { error: String(error) });
          this.createClients();
          await delay(backoffMs(attempt, 500, 10_000), this.stopping.signal);
        }
      }
    })();
  }

  /** Stops after the batch in progress: its outputs and offsets commit, or are not begun. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.starting;
    await this.disconnect();
    this.state = 'stopped';
  }

  private async disconnect(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    this.batches.forgetPartitions();
    await this.commits.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
