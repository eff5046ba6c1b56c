/**
 * A consumer with kafkajs's auto-commit, run as a child process by
 * test/kafka/consumer-offsets.e2e-spec.ts so that it can really crash: it joins GROUP_ID on TOPIC,
 * prints `handled <value>` for each record, and SIGKILLs itself right after handling CRASH_AFTER,
 * before kafkajs has committed the offsets of that batch (it commits after each batch).
 * AUTO_COMMIT_THRESHOLD, when set, makes kafkajs commit after that many records instead.
 */
import { Kafka, logLevel } from 'kafkajs';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const kafka = new Kafka({
  clientId: 'auto-commit-consumer',
  brokers: env('KAFKA_BROKERS').split(','),
  logLevel: logLevel.NOTHING,
});
// The shortest session the broker allows (group.min.session.timeout.ms): the group notices the
// crash sooner.
const consumer = kafka.consumer({
  groupId: env('GROUP_ID'),
  maxWaitTimeInMs: 250,
  sessionTimeout: 6_000,
});
const crashAfter = env('CRASH_AFTER');
const threshold = process.env.AUTO_COMMIT_THRESHOLD;

await consumer.connect();
await consumer.subscribe({ topic: env('TOPIC'), fromBeginning: true });
await consumer.run({
  autoCommit: true,
  ...(threshold && { autoCommitThreshold: Number(threshold) }),
  eachMessage: async ({ message }) => {
    const value = message.value?.toString() ?? '';
    process.stdout.write(`handled ${value}\n`);
    if (value === crashAfter) process.kill(process.pid, 'SIGKILL');
  },
});
