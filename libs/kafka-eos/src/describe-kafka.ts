import type { Kafka } from 'kafkajs';

/** Asks the cluster for its brokers (readiness probes): throws when no broker answers. */
export async function describeKafka(
  kafka: Kafka,
): Promise<{ brokers: number; controller: number | null }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  } finally {
    await admin.disconnect();
  }
}
