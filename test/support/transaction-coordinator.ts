import type { Kafka } from 'kafkajs';

/** Kafka's default `transaction.state.log.num.partitions`. */
const TRANSACTION_STATE_PARTITIONS = 50;

/**
 * The node leading the `__transaction_state` partition that holds `transactionalId`, i.e. its
 * transaction coordinator: Kafka places an id at abs(javaHashCode(id)) % partitions
 * (TransactionStateManager.partitionFor).
 */
export async function transactionCoordinatorNode(
  kafka: Kafka,
  transactionalId: string,
): Promise<number> {
  const partition = javaAbs(javaHashCode(transactionalId)) % TRANSACTION_STATE_PARTITIONS;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: ['__transaction_state'] });
    const leader = topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
    if (leader === undefined || leader < 0)
      throw new Error(`no leader for __transaction_state[${partition}]`);
    return leader;
  } finally {
    await admin.disconnect();
  }
}

function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0. */
function javaAbs(n: number): number {
  return n === -(2 ** 31) ? 0 : Math.abs(n);
}
