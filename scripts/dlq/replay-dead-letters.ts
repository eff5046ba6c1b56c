import {
  crashPoint,
  ensureTopics,
  maxMessageBytes,
  TransactionalProducer,
  TransactionFailedError,
  type KafkajsClient,
  type OutgoingMessage,
  type TopicMessages,
} from '#kafka-eos';
import {
  asDeadLetter,
  coordinatesOf,
  originalHeaders,
  REPLAYED_FROM_HEADER,
  type DeadLetter,
} from './dead-letter-record.js';
import { OperatorError } from './dlq-errors.js';
import { partitionCounts } from './dlq-kafka.js';
import type { DlqCommand } from './dlq-options.js';
import { planReplay, selectDeadLetters, type ReplayPlan } from './plan-replay.js';
import { readCommittedToEnd } from './read-to-end.js';
import {
  loggedReplays,
  logEntryFor,
  REPLAY_LOG_TOPIC_CONFIG,
  replayLogTopic,
  replayTransactionalId,
  toLogMessage,
} from './replay-log.js';

type ReplayCommand = Extract<DlqCommand, { name: 'replay' }>;

export interface ReplayReport {
  topic: string;
  log: string;
  dryRun: boolean;
  /** Re-published (or, in a dry run, to be): dead letter → source topic and partition. */
  replayed: Array<{ deadLetter: string; to: string; reason: string | null }>;
  skipped: Array<{ deadLetter: string; why: string }>;
  transactions: number;
}

/**
 * `replay`: re-publishes the chosen dead letters to their source topics, exactly once.
 *
 * 1. Read the dead-letter topic and choose (nothing has changed yet: a typo stops here).
 * 2. Start the transactional producer of this dead-letter topic (`replayTransactionalId`): that
 *    fences every other replayer of the topic and aborts or completes its open transaction.
 * 3. Read the replay log, read_committed, up to its end offset asked for after step 2: every
 *    replay that will ever commit under an older producer has committed by now and is in it.
 * 4. Skip what the log holds; send the rest, each with its log entry, in transactions of
 *    `perTransaction` dead letters: a dead letter's copy and its entry commit together or not at
 *    all, so a run killed anywhere, or fenced, and run again, publishes each once.
 */
export async function replayDeadLetters(
  client: KafkajsClient,
  command: ReplayCommand,
  progress: (line: string) => void,
): Promise<ReplayReport> {
  const { topic, dryRun } = command;
  const { kafka } = client;
  const log = replayLogTopic(topic);
  const existing = await partitionCounts(kafka, [topic, log]);
  if (!existing.has(topic)) throw new OperatorError(`there is no topic ${topic}`);
  const readLogNow = dryRun && existing.has(log);
  const first = await readCommittedToEnd(kafka, [
    { topic },
    ...(readLogNow ? [{ topic: log }] : []),
  ]);
  const letters = first.records.filter((r) => r.topic === topic).map(asDeadLetter);
  const { chosen, missing } = selectDeadLetters(letters, command.selection);
  if (missing.length > 0)
    throw new OperatorError(
      `no committed dead letter at ${missing.map(coordinatesOf).join(', ')} in ${topic}: nothing replayed`,
    );
  const sources = await partitionCounts(
    kafka,
    chosen.flatMap((l) => (l.source ? [l.source.topic] : [])),
  );
  const options = { includeAnswered: command.includeAnswered, sourcePartitions: sources };
  if (chosen.length === 0) return report(command, log, { replay: [], skipped: [] }, 0);
  if (dryRun) {
    const logged = loggedReplays(first.records.filter((r) => r.topic === log));
    return report(command, log, planReplay(chosen, logged, options), 0);
  }

  await ensureTopics(client, [
    { topic: log, numPartitions: 1, configEntries: REPLAY_LOG_TOPIC_CONFIG },
  ]);
  const producer = await TransactionalProducer.start(client, replayTransactionalId(topic), {
    maxBatchBytes: await maxMessageBytes(client, [...sources.keys(), log]),
  });
  try {
    const { records } = await readCommittedToEnd(kafka, [{ topic: log }]);
    const plan = planReplay(chosen, loggedReplays(records), options);
    let transactions = 0;
    for (let i = 0; i < plan.replay.length; i += command.perTransaction) {
      const part = plan.replay.slice(i, i + command.perTransaction);
      await inOneTransaction(producer, part, log, topic, i);
      transactions += 1;
      progress(
        `committed ${i + part.length} of ${plan.replay.length}: ${part.map(coordinatesOf).join(' ')}`,
      );
    }
    return report(command, log, plan, transactions);
  } finally {
    await producer.close();
  }
}

async function inOneTransaction(
  producer: TransactionalProducer,
  letters: DeadLetter[],
  log: string,
  topic: string,
  done: number,
): Promise<void> {
  const now = new Date();
  const batch: TopicMessages[] = [
    ...groupBySource(letters, topic),
    { topic: log, messages: letters.map((l) => toLogMessage(logEntryFor(l, now))) },
  ];
  try {
    await producer.inTransaction(async (tx) => {
      await tx.send(batch);
      crashPoint('dlq.before-commit');
    });
  } catch (error) {
    const before = done > 0 ? ` (the ${done} dead letters before it were replayed)` : '';
    if (error instanceof TransactionFailedError && error.failure === 'fenced')
      throw new OperatorError(
        `another replay of ${topic} started and fenced this one: this one's open transaction was ` +
          `aborted, none of its dead letters were published${before}; \`list\` shows what is left`,
        { cause: error },
      );
    throw new Error(
      `a replay transaction failed${before}; it committed in full or not at all: run the same ` +
        'replay again, and what committed (it is in the replay log) is skipped',
      { cause: error },
    );
  }
}

/** The dead letters as their source records: original key, value and headers, same partition. */
function groupBySource(letters: DeadLetter[], topic: string): TopicMessages[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const letter of letters) {
    if (!letter.source) continue; // planReplay skips these
    const messages = byTopic.get(letter.source.topic) ?? [];
    messages.push({
      partition: letter.source.partition,
      key: letter.key,
      value: letter.value,
      headers: {
        ...originalHeaders(letter),
        [REPLAYED_FROM_HEADER]: `${topic}:${coordinatesOf(letter)}`,
      },
    });
    byTopic.set(letter.source.topic, messages);
  }
  return [...byTopic].map(([t, messages]) => ({ topic: t, messages }));
}

function report(
  command: ReplayCommand,
  log: string,
  plan: ReplayPlan,
  transactions: number,
): ReplayReport {
  return {
    topic: command.topic,
    log,
    dryRun: command.dryRun,
    replayed: plan.replay.map((l) => ({
      deadLetter: coordinatesOf(l),
      to: l.source ? `${l.source.topic}[${l.source.partition}]` : '?',
      reason: l.reason ?? null,
    })),
    skipped: plan.skipped.map(({ letter, why }) => ({ deadLetter: coordinatesOf(letter), why })),
    transactions,
  };
}

export function formatReplayReport(r: ReplayReport): string {
  const verb = r.dryRun ? 'would replay' : 'replayed';
  return [
    `${r.topic}: ${verb} ${r.replayed.length}, skipped ${r.skipped.length}` +
      (r.dryRun
        ? ' (dry run: nothing published)'
        : ` in ${r.transactions} transaction${r.transactions === 1 ? '' : 's'}`),
    ...r.replayed.map((x) => `  ${verb} ${x.deadLetter} → ${x.to}: ${x.reason ?? '(no reason)'}`),
    ...r.skipped.map((x) => `  skipped ${x.deadLetter}: ${x.why}`),
  ].join('\n');
}
