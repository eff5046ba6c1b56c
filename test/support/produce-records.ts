import { Kafka, logLevel } from 'kafkajs';
import { uniqueName } from '../infra/unique-name.js';

/**
 * Writes raw records, all with one key (so one partition, in this order), in one committed
 * transaction of a producer of its own: records no service wrote, for poison tests and chaos.
 */
export async function produceRecords(
  brokers: string[],
  topic: string,
  key: string,
  records: Array<{ value: string; headers?: Record<string, string> }>,
): Promise<void> {
  const kafka = new Kafka({ clientId: 'forger', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    transactionalId: uniqueName('forger'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const tx = await producer.transaction();
    await tx.send({
      topic,
      messages: records.map((r) => ({ key, value: r.value, headers: r.headers ?? {} })),
    });
    await tx.commit();
  } finally {
    await producer.disconnect();
  }
}
