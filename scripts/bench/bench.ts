/**
 * `npm run bench [-- --quick]`: rates measured in one run against real Kafka and PostgreSQL,
 * each divided by a baseline measured in the same run (issue 7):
 * - relay drain of a pre-filled outbox ÷ a plain non-transactional producer sending the same
 *   records in batches of the same size;
 * - API accept rate ÷ the rate PostgreSQL commits the API's own write from a tight loop.
 * Writes bench/results/<timestamp>.json and bench/results/latest.md.
 */
import { startInfra } from '../../test/infra/start-infra.js';
import { measureApiAccept } from './api-accept.js';
import { freshPaymentsDatabase } from './bench-database.js';
import { benchOptions } from './bench-options.js';
import { measureCommitLimit } from './commit-limit.js';
import { describeMachine } from './machine.js';
import { measureRelayDrain } from './relay-drain.js';
import { writeResults, type Measure } from './write-results.js';

const say = (line: string): void => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  const options = benchOptions(process.argv);
  const startedAt = new Date().toISOString();
  const durationsSec: Record<string, number> = {};
  const timed = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
    say(`${phase}…`);
    const started = performance.now();
    const result = await run();
    durationsSec[phase] = (performance.now() - started) / 1000;
    say(`${phase} done in ${durationsSec[phase].toFixed(1)} s`);
    return result;
  };
  const infra = await timed('infra', () => startInfra({ log: say, env: {} }));
  try {
    for (const line of infra.summary) say(line);
    const machine = await describeMachine(infra.kafkaVersion, infra.databaseUrl);
    const measures: Measure[] = [];
    for (const batchSize of options.relayBatchSizes) {
      const r = await timed(`relay batch ${batchSize}`, () =>
        measureRelayDrain({ ...infra, ...options, rows: options.outboxRows, batchSize }),
      );
      say(
        `relay ${fmt(r.relayRowsPerSec)} rows/s (${r.relayWallSec.toFixed(1)} s from process start to empty), plain ${fmt(r.plainMsgsPerSec)} msgs/s`,
      );
      measures.push({
        measure: `relay drain (batch ${batchSize}, ${r.payloadBytes} B payloads)`,
        value: r.relayRowsPerSec,
        baseline: 'plain produce acks=-1',
        baselineValue: r.plainMsgsPerSec,
        unit: '/s',
        target: 0.8,
      });
    }
    const limit = await timed('database commit limit', async () => {
      const db = await freshPaymentsDatabase(infra.databaseUrl, 'commit');
      return measureCommitLimit(db.url, options).finally(() => db.drop());
    });
    say(`database commits ${fmt(limit)} tx/s`);
    const accept = await timed('API accept rate', async () => {
      const db = await freshPaymentsDatabase(infra.databaseUrl, 'api');
      return measureApiAccept(db.url, infra.kafkaBrokers, options).finally(() => db.drop());
    });
    say(`API accepts ${fmt(accept)} transfers/s`);
    measures.push({
      measure: `API accept (concurrency ${options.concurrency})`,
      value: accept,
      baseline: 'database commit limit',
      baselineValue: limit,
      unit: '/s',
      target: 0.5,
    });
    const files = writeResults({ startedAt, options, machine, durationsSec, measures });
    say(`wrote ${files.join(', ')}`);
  } finally {
    await infra.stop();
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
