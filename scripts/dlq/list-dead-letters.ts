import type { Kafka } from 'kafkajs';
import { asDeadLetter } from './dead-letter-record.js';
import { partitionCounts } from './dlq-kafka.js';
import { readCommittedToEnd, type ReadRecord } from './read-to-end.js';
import { loggedReplays, replayLogTopic } from './replay-log.js';
import { summariseDeadLetters, type TopicSummary } from './summarise-dead-letters.js';

/**
 * `list`: every committed dead letter of each topic, up to the end offsets at the start, grouped
 * by reason, with what its replay log says was replayed. One read for all topics and logs.
 */
export async function listDeadLetters(kafka: Kafka, topics: string[]): Promise<TopicSummary[]> {
  const logs = topics.map(replayLogTopic);
  const existing = await partitionCounts(kafka, [...topics, ...logs]);
  const spans = [...topics, ...logs].filter((t) => existing.has(t)).map((topic) => ({ topic }));
  const { records, ranges } = await readCommittedToEnd(kafka, spans);
  const of = (topic: string): ReadRecord[] => records.filter((r) => r.topic === topic);
  return topics.map((topic) => {
    if (!existing.has(topic))
      return { topic, exists: false, partitions: [], total: 0, replayed: 0, groups: [] };
    const replayed = new Set(loggedReplays(of(replayLogTopic(topic))).keys());
    return summariseDeadLetters(topic, of(topic).map(asDeadLetter), ranges, replayed);
  });
}
