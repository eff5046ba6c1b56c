/**
 * The producer under test, as a process of its own so the lab can SIGKILL it mid-send. It sends
 * the ids it is given with one producer setting and tells the parent, over the IPC channel, which
 * ids were acknowledged (the send or the transaction's commit resolved) and which failed for good.
 * Started by `run-cell.ts` with its configuration as JSON in LAB_PRODUCER_CONFIG.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { PRODUCER_SETTINGS, type ProducerSetting } from './settings.js';
import { keyOf, type ChildConfig, type ChildMessage } from './workload.js';

const tell = (message: ChildMessage): void => {
  process.send?.(message);
};

async function main(): Promise<void> {
  const config = JSON.parse(process.env.LAB_PRODUCER_CONFIG ?? '{}') as ChildConfig;
  const setting = PRODUCER_SETTINGS.find((s) => s.id === config.settingId);
  if (!setting) throw new Error(`unknown setting ${config.settingId}`);
  const kafka = new Kafka({
    clientId: `lab-producer-${setting.id}`,
    brokers: config.brokers,
    logLevel: logLevel.NOTHING,
    requestTimeout: 2_500,
    connectionTimeout: 1_000,
  });
  const producer = kafka.producer({
    idempotent: setting.idempotent,
    ...(setting.idempotent && { maxInFlightRequests: 1 }),
    ...(setting.transactional && { transactionalId: config.transactionalId }),
    retry: { retries: setting.retries, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
  await producer.connect();
  if (setting.transactional) await sendInTransactions(producer, config);
  else await sendWindowed(producer, setting, config);
  await producer.disconnect();
  tell({ type: 'done' });
}

/** `window` sends in flight; a failed record goes back in the queue when the app retries. */
async function sendWindowed(
  producer: Producer,
  setting: ProducerSetting,
  config: ChildConfig,
): Promise<void> {
  const queue = [...config.ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        await producer.send({
          topic: config.topic,
          acks: setting.acks,
          timeout: 2_000,
          messages: [{ key: keyOf(id), value: String(id) }],
        });
        tell({ type: 'acked', ids: [id] });
      } catch (error) {
        if (setting.appRetries) queue.push(id);
        else tell({ type: 'failed', ids: [id], error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: config.window }, worker));
}

/** `perTransaction` records per transaction; a failed one is aborted and sent again. */
async function sendInTransactions(producer: Producer, config: ChildConfig): Promise<void> {
  for (let at = 0; at < config.ids.length;) {
    const ids = config.ids.slice(at, at + config.perTransaction);
    const tx = await producer.transaction();
    try {
      await tx.send({
        topic: config.topic,
        acks: -1,
        messages: ids.map((id) => ({ key: keyOf(id), value: String(id) })),
      });
      await tx.commit();
      tell({ type: 'acked', ids });
      at += ids.length;
    } catch {
      await tx.abort().catch(() => undefined);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[lab producer]', error);
    process.exit(1);
  },
);
