import type { TransferResultV1 } from '#contracts';
import type { ReadRecord } from '../../test/support/read-topic.js';
import type { ChaosStack } from './chaos-stack.js';
import { row, type CheckRow } from './check-row.js';

/** Where one consumer group stands on one partition, next to the partition's end. */
export interface PartitionPosition {
  topic: string;
  group: string;
  partition: number;
  committed: bigint;
  end: bigint;
}

/**
 * The committed offsets of the ledger (on requested) and of settlement (on results) and the
 * end offsets. Read before the checks append their sentinel records.
 */
export async function readPositions(stack: ChaosStack): Promise<PartitionPosition[]> {
  const { kafka, topics, ledgerGroup, settlementGroup } = stack.fx;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const positions: PartitionPosition[] = [];
    for (const [topic, group] of [
      [topics.requested, ledgerGroup],
      [topics.results, settlementGroup],
    ] as const) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      for (const { partition, offset } of ends) {
        const own = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        positions.push({ topic, group, partition, committed: BigInt(own), end: BigInt(offset) });
      }
    }
    return positions;
  } finally {
    await admin.disconnect();
  }
}

/**
 * After the drain every committed record has been consumed: no group's committed offset is short
 * of a record read with read_committed, and none is past the end. Where a committed offset is
 * below the end, only transaction markers or aborted records follow it (kafkajs skips those
 * without calling the handler, so no transaction moves the offset over them).
 */
export function checkPositions(
  positions: PartitionPosition[],
  recordsByTopic: Map<string, ReadRecord[]>,
): CheckRow[] {
  const lastRecord = new Map<string, bigint>();
  for (const [topic, records] of recordsByTopic)
    for (const r of records) {
      const key = `${topic}[${r.partition}]`;
      const offset = BigInt(r.offset);
      if (offset > (lastRecord.get(key) ?? -1n)) lastRecord.set(key, offset);
    }
  const behind = positions.filter((p) => {
    const last = lastRecord.get(`${p.topic}[${p.partition}]`);
    return p.committed > p.end || (last !== undefined && p.committed <= last);
  });
  const atEnd = positions.filter((p) => p.committed === p.end).length;
  return [
    row(
      `committed offsets past every committed record (${atEnd} of ${positions.length} = end offset)`,
      positions.length,
      behind.map((p) => `${p.group} ${p.topic}[${p.partition}]: ${p.committed} of ${p.end}`),
    ),
  ];
}

/**
 * Per-account order from the outbox to the ledger: the relay keys each request by its debit
 * account, so one account's requests sit in one partition in commit order; the ledger must post
 * that account's debits in the same order.
 */
export async function checkAccountOrder(
  stack: ChaosStack,
  requested: ReadRecord[],
  eventIdOf: (r: ReadRecord) => string,
): Promise<CheckRow[]> {
  const { rows } = await stack.ledgerSql.query<{ account_id: string; transfer_id: string }>(
    `select account_id, transfer_id from entries where direction = 'debit' order by id`,
  );
  const posted = groupBy(
    rows,
    (r) => r.account_id,
    (r) => r.transfer_id,
  );
  const byOffset = [...requested].sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
  const onTopic = groupBy(byOffset, (r) => r.key ?? '', eventIdOf);
  const requestedIds = new Set(requested.map(eventIdOf));
  const offenders: string[] = [];
  for (const [account, allDebits] of posted) {
    // Only postings of requests on the topic (fundings included: they come through it too).
    const debits = allDebits.filter((id) => requestedIds.has(id));
    const postedSet = new Set(debits);
    const expected = (onTopic.get(account) ?? []).filter((id) => postedSet.has(id));
    const firstDiff = debits.findIndex((id, i) => expected[i] !== id);
    if (firstDiff >= 0 || expected.length !== debits.length)
      offenders.push(`${account}: posting ${firstDiff} differs from the topic order`);
  }
  return [row('per-account order kept, topic to postings', posted.size, offenders)];
}

/**
 * The results topic read by Kafka's own console consumer with read_committed, an independent
 * client: the same transfer ids, each once. Local mode only (it runs the broker's jars).
 */
export async function checkWithKafkaConsumer(
  stack: ChaosStack,
  kafkajsResults: TransferResultV1[],
): Promise<CheckRow[]> {
  const cluster = stack.infra.localKafka;
  if (!cluster) return [];
  const printed = await cluster.runTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server',
    cluster.brokers.join(','),
    '--topic',
    stack.fx.topics.results,
    '--from-beginning',
    '--isolation-level',
    'read_committed',
    '--timeout-ms',
    '15000',
  ]);
  const ids = printed
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as TransferResultV1).transferId);
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const fromKafkajs = new Set(kafkajsResults.map((r) => r.transferId));
  const offenders = [
    ...[...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n} (console consumer)`),
    ...[...fromKafkajs].filter((id) => !counts.has(id)).map((id) => `${id}: only kafkajs saw it`),
    ...[...counts.keys()]
      .filter((id) => !fromKafkajs.has(id))
      .map((id) => `${id}: only the console consumer saw it`),
  ];
  return [
    row("results read by Kafka's console consumer: each once, same set", ids.length, offenders),
  ];
}

function groupBy<T>(
  items: T[],
  key: (t: T) => string,
  value: (t: T) => string,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(value(item));
    groups.set(key(item), list);
  }
  return groups;
}
