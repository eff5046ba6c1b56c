import type { KafkaClient } from '#kafka-eos';

/**
 * How far the relay has published: the (xid, id) of the last outbox row in its last committed
 * Kafka transaction, and the number of rows published so far. It is stored in Kafka, as the
 * committed offset (count) and offset metadata (xid, id) of the relay's own consumer group on
 * its position topic, and written by `sendOffsets` inside the same transaction as the messages:
 * messages and position commit or abort together.
 */
export interface RelayPosition {
  xid: string;
  id: string;
  published: bigint;
}

export const START_POSITION: RelayPosition = { xid: '0', id: '0', published: 0n };

export function encodePosition(p: RelayPosition): { offset: string; metadata: string } {
  return { offset: p.published.toString(), metadata: JSON.stringify({ xid: p.xid, id: p.id }) };
}

export function decodePosition(offset: string, metadata: string | null): RelayPosition {
  if (offset === '-1' || !metadata) return START_POSITION;
  const parsed = JSON.parse(metadata) as { xid?: unknown; id?: unknown };
  if (typeof parsed.xid !== 'string' || typeof parsed.id !== 'string') {
    throw new Error(`unreadable relay position metadata: ${metadata}`);
  }
  return { xid: parsed.xid, id: parsed.id, published: BigInt(offset) };
}

/**
 * Reads the committed position. Call it only after the transactional producer started: its
 * InitProducerId has completed or aborted any transaction an older instance left open, so the
 * value read cannot change under us.
 */
export async function readRelayPosition(
  kafka: KafkaClient,
  groupId: string,
  topic: string,
): Promise<RelayPosition> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.committedOffsets(groupId, topic);
    const partition = offsets.find((p) => p.partition === 0);
    return partition
      ? decodePosition(partition.offset, partition.metadata ?? null)
      : START_POSITION;
  } finally {
    await admin.disconnect();
  }
}
