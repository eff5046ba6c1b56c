import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fetchKafkaStreams, repoRoot, uniqueName } from '#test-infra';
import { freshCopyTopics, type CopyRate, type CopySetup } from './copy-topics.js';

const run = promisify(execFile);

/**
 * Kafka Streams (exactly_once_v2, `builder.stream(in).to(out)`) copying a fresh input topic
 * pre-filled like the copy loop's, on the same broker: bench/java/StreamsCopy.java, started with
 * Java's source-file launcher (no build step) on Kafka Streams of the broker's version, fetched
 * once from Maven Central. Returns the rate the program printed.
 */
export async function measureStreamsCopy(
  setup: CopySetup & { kafkaVersion: string; log: (line: string) => void },
): Promise<CopyRate> {
  const libDir = await fetchKafkaStreams(setup.kafkaVersion, setup.log);
  const { input, output } = await freshCopyTopics(setup);
  const { stdout } = await run(
    'java',
    [
      // The heap kafka-producer-perf-test.sh gives ProducerPerformance: the same for both.
      '-Xmx512m',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp',
      `${libDir}/*`,
      join(repoRoot(), 'bench/java/StreamsCopy.java'),
      setup.kafkaBrokers,
      input,
      output,
      uniqueName('bench-streams'),
      String(setup.records),
    ],
    { timeout: 660_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const timed = /\((\d+) records timed over ([\d.]+) s/.exec(summaryLine(stdout, 'StreamsCopy'));
  if (!timed) throw new Error(`StreamsCopy printed no timing:\n${stdout.slice(-2_000)}`);
  const [timedRecords, timedSec] = [Number(timed[1]), Number(timed[2])];
  return { recordsPerSec: timedRecords / timedSec, timedRecords, timedSec };
}

/** The last line a Java tool printed with "records/sec" (ProducerPerformance's summary too). */
export function summaryLine(stdout: string, tool: string): string {
  const line = stdout.split('\n').findLast((l) => l.includes(' records/sec'));
  if (!line) throw new Error(`${tool} printed no rate:\n${stdout.slice(-2_000)}`);
  return line.trim();
}
