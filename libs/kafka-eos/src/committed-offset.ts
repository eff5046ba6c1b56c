import type { KafkaAdmin } from './client/kafka-client.js';

/**
 * The group's committed offset for one partition (the next offset to read), or undefined when
 * the group never committed one. Read it only after the partition's transactional producer
 * started, so that no older owner can still commit a transaction that moves it.
 */
export async function fetchCommittedOffset(
  admin: KafkaAdmin,
  groupId: string,
  topic: string,
  partition: number,
): Promise<bigint | undefined> {
  const offsets = await admin.committedOffsets(groupId, topic);
  const offset = offsets.find((p) => p.partition === partition)?.offset;
  return offset === undefined || offset === '-1' ? undefined : BigInt(offset);
}
