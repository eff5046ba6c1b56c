import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTopics } from '#kafka-eos';
import { fetchKafka, repoRoot, uniqueName } from '#test-infra';
import { benchKafka } from './copy-topics.js';
import { summaryLine } from './streams-copy.js';

const run = promisify(execFile);

export interface ProducerPerformanceSetup {
  kafkaBrokers: string;
  kafkaVersion: string;
  partitions: number;
  records: number;
  recordBytes: number;
  log: (line: string) => void;
}

/**
 * Kafka's own producer benchmark (`kafka-producer-perf-test.sh`, the kafka-tools jar of the
 * broker's version) sending `records` records of `recordBytes` to a fresh topic, unthrottled, in
 * transactions committed every 100 ms (the relay's RELAY_COMMIT_INTERVAL_MS), acks=all. Returns
 * its summary line and the records/sec in it. `--bootstrap-server` and `--command-property`:
 * Kafka 4.3 deprecates `--producer-props`.
 */
export async function measureProducerPerformance(
  setup: ProducerPerformanceSetup,
): Promise<{ recordsPerSec: number; summary: string }> {
  // In Docker or KAFKA_BROKERS mode no broker jars were fetched yet: the tool needs them.
  const libDir = await fetchKafka(setup.kafkaVersion, setup.log);
  const topic = uniqueName('bench-perf');
  await ensureTopics(benchKafka(setup.kafkaBrokers), [{ topic, numPartitions: setup.partitions }]);
  const { stdout } = await run(
    'java',
    [
      // The heap kafka-producer-perf-test.sh gives it.
      '-Xmx512m',
      `-Dlog4j2.configurationFile=${join(repoRoot(), 'test/infra/kafka/tools-log4j2.yaml')}`,
      '-cp',
      `${libDir}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      ...['--bootstrap-server', setup.kafkaBrokers, '--topic', topic],
      ...['--num-records', String(setup.records), '--record-size', String(setup.recordBytes)],
      ...['--throughput', '-1', '--transactional-id', uniqueName('bench-perf')],
      ...['--transaction-duration-ms', '100', '--command-property', 'acks=all'],
    ],
    { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
  );
  // "20000 records sent, 28369.0 records/sec (9.33 MB/sec), 45.1 ms avg latency, …"
  const summary = summaryLine(stdout, 'ProducerPerformance');
  return { recordsPerSec: Number(/([\d.]+) records\/sec/.exec(summary)?.[1]), summary };
}
