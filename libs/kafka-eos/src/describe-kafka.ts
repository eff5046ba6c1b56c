import type { KafkaClient } from './client/kafka-client.js';

/** Asks the cluster for its brokers (readiness probes): throws when no broker answers. */
export async function describeKafka(
  kafka: KafkaClient,
): Promise<{ brokers: number; controller: number | null }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}
