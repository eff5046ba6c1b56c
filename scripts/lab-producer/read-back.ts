import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import type { LocalKafkaCluster } from '../../test/infra/local-kafka.js';

/**
 * The ids a topic holds, in log order, as Kafka's own console consumer reads them with
 * `read_committed`: a client independent of the one under test.
 *
 * "Everything" is known without waiting for a quiet period: a sentinel record is committed to
 * the partition first (in a transaction of its own), and the reader stops when it prints it.
 */
export async function readBack(
  cluster: LocalKafkaCluster,
  topic: string,
  timeoutMs = 60_000,
): Promise<number[]> {
  const sentinel = `sentinel-${randomUUID()}`;
  const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: sentinel, maxInFlightRequests: 1 });
  await producer.connect();
  const tx = await producer.transaction();
  await tx.send({ topic, messages: [{ value: sentinel }] });
  await tx.commit();
  await producer.disconnect();

  const tool = cluster.spawnTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server',
    cluster.brokers.join(','),
    '--topic',
    topic,
    '--from-beginning',
    '--isolation-level',
    'read_committed',
  ]);
  const ids: number[] = [];
  let stderr = '';
  tool.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no sentinel from the console consumer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      tool.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the console consumer exited (${code}) before the sentinel: ${stderr}`));
      });
      createInterface({ input: tool.stdout! }).on('line', (line) => {
        if (line === sentinel) {
          clearTimeout(timer);
          resolve();
        } else if (/^\d+$/.test(line)) ids.push(Number(line));
        else reject(new Error(`the topic holds a record the lab did not write: ${line}`));
      });
    });
  } finally {
    tool.kill('SIGKILL');
  }
  return ids;
}
