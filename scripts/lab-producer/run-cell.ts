import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaApiKey, repoRoot, waitFor, type LocalKafkaCluster } from '../../test/infra/index.js';
import { waitForKafkaReady } from '../../test/infra/kafka-readiness.js';
import type { Prng } from '../chaos/prng.js';
import { readBack } from './read-back.js';
import type { ProducerFault, ProducerSetting } from './settings.js';
import { tallyCell, type CellTally } from './tally.js';
import type { ChildConfig, ChildMessage } from './workload.js';

export interface CellOutcome extends CellTally {
  setting: string;
  fault: ProducerFault;
  /** What was done to the cell, as it happened (a fault that never bit says so). */
  applied: string;
  /** Whether the fault bit at all: a cell where it did not shows nothing about the setting. */
  faultBit: boolean;
}

export interface CellContext {
  cluster: LocalKafkaCluster;
  prng: Prng;
  records: number;
  log: (line: string) => void;
}

/** The node every cell's partition is led by, and whose proxy and process the faults hit. */
const LEADER = 1;
const CELL_TIMEOUT_MS = 120_000;

/**
 * One cell: a fresh one-partition topic (replicas on all three nodes, led by node 1), the
 * workload sent by a producer process with `setting`, `fault` injected at a seeded point, then
 * the topic read back and tallied against what the producer was told.
 */
export async function runCell(
  ctx: CellContext,
  setting: ProducerSetting,
  fault: ProducerFault,
): Promise<CellOutcome> {
  const topic = `lab-producer-${setting.id}-${fault}-${Date.now()}`;
  await createLedTopic(ctx.cluster, topic);
  const ids = Array.from({ length: ctx.records }, (_, i) => i);
  const acked = new Set<number>();
  const config: ChildConfig = {
    brokers: ctx.cluster.brokers,
    topic,
    settingId: setting.id,
    ids,
    transactionalId: `${topic}-tx`,
    window: 5,
    perTransaction: 10,
  };
  const proxy = ctx.cluster.nodes[LEADER - 1]?.proxy;
  if (!proxy) throw new Error('the lab needs a proxied cluster');
  const before = { ...proxy.applied };
  let applied: string;
  let faultBit: boolean;

  let producer = startProducer(config, acked);
  const untilAcked = (count: number, maxMs: number) =>
    waitUntil(() => acked.size >= count || !producer.running, maxMs);

  if (fault === 'lost-response') {
    // Three Produce answers lost, at seeded points of the workload.
    const points = [0.25, 0.5, 0.75].map((f) => Math.floor(ctx.records * f) + ctx.prng.int(0, 9));
    for (const point of points) {
      await untilAcked(point, CELL_TIMEOUT_MS);
      proxy.swallowResponses(KafkaApiKey.produce, 1);
    }
    await producer.finished(CELL_TIMEOUT_MS);
    proxy.disarm();
    const lost = proxy.applied.swallowed - before.swallowed;
    faultBit = lost > 0;
    applied = `${lost} Produce answer(s) lost${setting.acks === 0 ? ' (acks=0 has none to lose)' : ''}`;
  } else if (fault === 'leader-killed') {
    // The followers' fetches from the leader get no answer, so the leader is alone with what it
    // takes; then it is killed before they catch up, and one of them takes over.
    await untilAcked(Math.floor(ctx.records / 3) + ctx.prng.int(0, 9), CELL_TIMEOUT_MS);
    const ackedBefore = acked.size;
    proxy.swallowResponses(KafkaApiKey.fetch, Infinity);
    const heldAt = Date.now();
    await untilAcked(ackedBefore + 20, 3_000);
    const ackedAlone = acked.size - ackedBefore;
    await ctx.cluster.stopNode(LEADER, 'SIGKILL');
    proxy.disarm();
    const heldMs = Date.now() - heldAt;
    await producer.finished(CELL_TIMEOUT_MS);
    ctx.cluster.startNode(LEADER);
    await waitForKafkaReady(ctx.cluster.brokers, ctx.cluster.nodes.length);
    faultBit = true;
    applied = `replication held ${heldMs} ms (${ackedAlone} acknowledged meanwhile), leader SIGKILLed`;
  } else {
    // The broker has written a send whose answer is held back; the producer is killed before it
    // hears, and a new producer process sends everything the first was not told was written.
    await untilAcked(Math.floor(ctx.records / 2) + ctx.prng.int(0, 9), CELL_TIMEOUT_MS);
    proxy.swallowResponses(KafkaApiKey.produce, Infinity);
    // acks=0 has no answer to hold back: it is killed at once.
    if (setting.acks !== 0)
      await waitUntil(() => proxy.applied.swallowed > before.swallowed, 3_000);
    const unheard = proxy.applied.swallowed - before.swallowed;
    const killedMidSend = producer.running;
    producer.kill();
    await producer.finished(10_000);
    proxy.disarm();
    const rest = ids.filter((id) => !acked.has(id));
    producer = startProducer({ ...config, ids: rest }, acked);
    await producer.finished(CELL_TIMEOUT_MS);
    faultBit = killedMidSend;
    applied = killedMidSend
      ? `producer SIGKILLed with ${unheard} answer(s) unheard; restarted, resent ${rest.length}`
      : 'the producer had sent everything before the kill';
  }
  const read = await readBack(ctx.cluster, topic);
  return { setting: setting.id, fault, applied, faultBit, ...tallyCell(ids, acked, read) };
}

/** One partition, replicas on every node, node `LEADER` first (so it leads). */
async function createLedTopic(cluster: LocalKafkaCluster, topic: string): Promise<void> {
  const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const others = cluster.nodes.map((n) => n.nodeId).filter((id) => id !== LEADER);
    await admin.createTopics({
      topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [LEADER, ...others] }] }],
    });
    await waitFor(
      async () => {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        const partition = meta.topics[0]?.partitions[0];
        return partition?.leader === LEADER && partition.isr.length === cluster.nodes.length;
      },
      {
        description: `${topic} led by node ${LEADER} with every replica in sync`,
        timeoutMs: 60_000,
      },
    );
  } finally {
    await admin.disconnect();
  }
}

interface RunningProducer {
  readonly running: boolean;
  kill(): void;
  /** Waits for the process to end; kills it when it takes longer than `timeoutMs`. */
  finished(timeoutMs: number): Promise<void>;
}

function startProducer(config: ChildConfig, acked: Set<number>): RunningProducer {
  const child: ChildProcess = fork(
    join(repoRoot(), 'dist/scripts/lab-producer/producer-child.js'),
    [],
    { env: { ...process.env, LAB_PRODUCER_CONFIG: JSON.stringify(config) }, stdio: 'inherit' },
  );
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'acked') for (const id of message.ids) acked.add(id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: () => child.kill('SIGKILL'),
    async finished(timeoutMs) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `done` until it holds or `maxMs` pass: a fault's trigger, not an assertion. */
async function waitUntil(done: () => boolean, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
