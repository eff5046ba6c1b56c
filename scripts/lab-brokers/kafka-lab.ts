import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  KafkaApiKey,
  LocalKafkaCluster,
  pinnedVersions,
  uniqueName,
  waitFor,
  type KafkaFaultProxy,
} from '../../test/infra/index.js';
import { readCommitted } from '../../test/support/read-topic.js';
import type { BrokerLab, CellRun } from './cell.js';
import type { FaultKind, Mode } from './tally.js';
import type { Workload } from './workload.js';

/**
 * Kafka (kafkajs) on a local one-node cluster behind a KafkaFaultProxy, one topic of one
 * partition per cell. At-most-once: acks 0, offsets committed before the work. At-least-once:
 * acks all with retries, not idempotent; committed after the work. Exactly-once: an idempotent
 * producer, and consume-transform-produce in one transaction per record (output plus offsets,
 * `sendOffsets`); the side effect is the output record, read read_committed.
 */
export class KafkaLab implements BrokerLab {
  readonly system = 'Kafka';
  readonly modes: readonly Mode[] = ['at-most-once', 'at-least-once', 'exactly-once'];
  private cluster?: LocalKafkaCluster;
  private kafka?: Kafka;

  constructor(private readonly log: (line: string) => void) {}

  async start(): Promise<void> {
    this.cluster = await LocalKafkaCluster.start({
      version: pinnedVersions().kafka,
      proxied: true,
      log: this.log,
    });
    this.kafka = new Kafka({
      clientId: 'lab-brokers',
      brokers: this.cluster.brokers,
      logLevel: logLevel.NOTHING,
      // Short: a swallowed Produce answer is noticed, and retried, after this long.
      requestTimeout: 1_500,
      retry: { initialRetryTime: 100, retries: 8 },
    });
  }

  async stop(): Promise<void> {
    await this.cluster?.stop();
  }

  async run(mode: Mode, fault: FaultKind, workload: Workload): Promise<CellRun> {
    const topic = await this.createTopic(`lab-brokers-${mode}-${fault}`);
    if (fault === 'lost-response') {
      const applied = await this.publishThroughLostAnswers(topic, mode, workload);
      const records = await readCommitted(this.client(), topic);
      return {
        processed: records.map((r) => r.value),
        faultsApplied: applied,
        ...(mode === 'at-most-once' && { note: 'acks 0: no answer to lose' }),
      };
    }
    const producer = this.client().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: workload.ids.map((value) => ({ value })) });
    await producer.disconnect();
    const output = mode === 'exactly-once' ? await this.createTopic('lab-brokers-out') : undefined;
    const consumed = await this.consume(topic, mode, workload, output);
    if (!output) return { processed: consumed.processed, faultsApplied: consumed.crashes };
    return {
      processed: (await readCommitted(this.client(), output)).map((r) => r.value),
      faultsApplied: await this.abortedOutputs(output, workload),
    };
  }

  /**
   * The crashes whose output record really reached the log, in the transaction that was then
   * aborted: read uncommitted, a crashed id's output is there twice (aborted and committed).
   * Without it, a zero in the exactly-once row would not show that the crash hit a transaction.
   */
  private async abortedOutputs(output: string, workload: Workload): Promise<number> {
    const all = await readCommitted(this.client(), output, { readUncommitted: true });
    const seen = new Map<string, number>();
    for (const r of all) seen.set(r.value, (seen.get(r.value) ?? 0) + 1);
    return [...workload.faultIds].filter((id) => (seen.get(id) ?? 0) >= 2).length;
  }

  /** One send per message; at a fault id the broker's answer to that Produce is swallowed. */
  private async publishThroughLostAnswers(
    topic: string,
    mode: Mode,
    workload: Workload,
  ): Promise<number> {
    const producer = this.client().producer(
      mode === 'exactly-once'
        ? { idempotent: true, maxInFlightRequests: 1 }
        : { idempotent: false, maxInFlightRequests: 1 },
    );
    await producer.connect();
    const proxy = this.proxy();
    const before = proxy.applied.swallowed;
    for (const id of workload.ids) {
      // acks 0 has no answer to swallow: an armed fault would wait for the next cell's.
      if (workload.faultIds.has(id) && mode !== 'at-most-once')
        proxy.swallowResponses(KafkaApiKey.produce);
      for (;;) {
        try {
          await producer.send({
            topic,
            acks: mode === 'at-most-once' ? 0 : -1,
            messages: [{ value: id }],
          });
          break;
        } catch (error) {
          // At-most-once never sends twice; the others retry past kafkajs' own retries.
          if (mode === 'at-most-once') break;
          this.log(`send of ${id} failed (${String(error)}); again`);
        }
      }
    }
    // kafkajs answers an acks-0 send before the bytes leave, and a disconnect drops what is still
    // queued (seen here: the last quarter of the run went missing). Give the broker a moment to
    // have them all, as a graceful shutdown would, so the table shows the faults' losses only.
    if (mode === 'at-most-once')
      await waitFor(async () => (await this.endOffset(topic)) >= workload.ids.length, {
        description: `the acks-0 sends to reach ${topic}`,
        timeoutMs: 5_000,
      }).catch(() => undefined);
    await producer.disconnect();
    return proxy.applied.swallowed - before;
  }

  /**
   * Consumer generations in one group. At a crash id the consumer stops between its two steps
   * (committed but not worked on; worked on but not committed; the output sent in a transaction
   * that is never committed) and is dropped; a new consumer (and, for exactly-once, a new
   * producer with the same transactional id, which aborts the open transaction) takes over.
   */
  private async consume(
    topic: string,
    mode: Mode,
    workload: Workload,
    output: string | undefined,
  ): Promise<{ processed: string[]; crashes: number }> {
    const groupId = uniqueName('lab-group');
    const transactionalId = uniqueName('lab-tx');
    const processed: string[] = [];
    const crashed = new Set<string>();
    const last = String(workload.ids.length - 1);
    let done = false;
    while (!done) {
      const consumer = this.client().consumer({ groupId, maxWaitTimeInMs: 100 });
      let producer: Producer | undefined;
      if (output) {
        producer = this.client().producer({
          transactionalId,
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await producer.connect();
      }
      let crash = false;
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (crash || done) return;
          const id = message.value?.toString() ?? '';
          const offsets = [{ topic, partition, offset: String(Number(message.offset) + 1) }];
          const crashHere = workload.faultIds.has(id) && !crashed.has(id);
          if (crashHere) crashed.add(id);
          if (mode === 'at-most-once') {
            await consumer.commitOffsets(offsets);
            if (crashHere) crash = true;
            else processed.push(id);
          } else if (mode === 'at-least-once') {
            processed.push(id);
            if (crashHere) crash = true;
            else await consumer.commitOffsets(offsets);
          } else {
            const tx = await requireProducer(producer).transaction();
            await tx.send({ topic: requireTopic(output), messages: [{ value: id }] });
            if (crashHere) crash = true;
            else {
              await tx.sendOffsets({
                consumerGroupId: groupId,
                topics: [{ topic, partitions: [{ partition, offset: offsets[0]?.offset ?? '0' }] }],
              });
              await tx.commit();
            }
          }
          if (!crash && message.offset === last) done = true;
        },
      });
      await waitFor(() => crash || done, {
        description: `the consumers of ${topic} to reach the end`,
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      await stopQuietly(consumer, producer);
    }
    return { processed, crashes: crashed.size };
  }

  private async endOffset(topic: string): Promise<number> {
    const admin = this.client().admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  private async createTopic(prefix: string): Promise<string> {
    const topic = uniqueName(prefix);
    const admin = this.client().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    return topic;
  }

  private client(): Kafka {
    if (!this.kafka) throw new Error('Kafka lab not started');
    return this.kafka;
  }

  private proxy(): KafkaFaultProxy {
    const proxy = this.cluster?.nodes[0]?.proxy;
    if (!proxy) throw new Error('Kafka lab not started with a proxy');
    return proxy;
  }
}

/** Disconnects without committing or aborting anything (kafkajs commits nothing itself here). */
async function stopQuietly(consumer: Consumer, producer: Producer | undefined): Promise<void> {
  await consumer.disconnect().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
}

function requireProducer(producer: Producer | undefined): Producer {
  if (!producer) throw new Error('exactly-once needs a transactional producer');
  return producer;
}

function requireTopic(topic: string | undefined): string {
  if (!topic) throw new Error('exactly-once needs an output topic');
  return topic;
}
