import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { waitFor } from './wait-for.js';

/**
 * Waits until the cluster answers with all its brokers and can run a transaction that also
 * commits consumer offsets. The first transaction creates `__transaction_state` and the first
 * offset commit `__consumer_offsets`; while they load, the coordinators answer with retriable
 * errors (COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR). Doing that once here keeps those
 * start-up errors out of every test's first request.
 */
export async function waitForKafkaReady(
  brokers: string[],
  expectedBrokers: number,
  timeoutMs = 90_000,
  sasl?: SASLOptions,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'infra-readiness',
    brokers,
    ...(sasl && { sasl }),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  try {
    await waitFor(
      async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length >= expectedBrokers;
      },
      { description: `${expectedBrokers} Kafka broker(s) at ${brokers.join(',')}`, timeoutMs },
    );
    const topic = '__eos_readiness';
    await waitFor(
      async () => {
        await admin.createTopics({
          topics: [{ topic, numPartitions: 1, replicationFactor: Math.min(expectedBrokers, 3) }],
          waitForLeaders: true,
        });
        const producer = kafka.producer({
          transactionalId: 'eos-readiness',
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await producer.connect();
        try {
          const tx = await producer.transaction();
          await tx.send({ topic, messages: [{ value: 'ready' }] });
          await tx.sendOffsets({
            consumerGroupId: 'eos-readiness',
            topics: [{ topic, partitions: [{ partition: 0, offset: '0' }] }],
          });
          await tx.commit();
        } finally {
          await producer.disconnect();
        }
        return true;
      },
      { description: 'the transaction and group coordinators', timeoutMs, intervalMs: 500 },
    );
  } finally {
    await admin.disconnect();
  }
}
