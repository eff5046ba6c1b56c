import { kafkaClientNames } from '#kafka-eos';
import type { BenchOptions } from './bench-options.js';
import { measureCopyLoop } from './copy-loop.js';
import { COPY_RECORD_BYTES, type CopyRate } from './copy-topics.js';
import { measureProducerPerformance } from './producer-performance.js';
import { measureRelayDrain, type RelayDrainResult } from './relay-drain.js';
import { measureStreamsCopy } from './streams-copy.js';
import { fmt, type Measure } from './write-results.js';

type Timed = <T>(phase: string, run: () => Promise<T>) => Promise<T>;

export interface BaselinesSetup {
  kafkaBrokers: string;
  databaseUrl: string;
  /** The version of the broker's jars, and of Kafka Streams' (the pinned KAFKA_VERSION). */
  kafkaVersion: string;
  /** The relay part's run at the largest batch size, when it ran in this bench run. */
  relay?: RelayDrainResult;
  say: (line: string) => void;
}

/**
 * The two baselines from Kafka itself: the library's copy loop on each client ÷ Kafka
 * Streams under exactly_once_v2 (target 1.2), and the relay's drain ÷ Kafka's ProducerPerformance
 * in transactions (target 0.5). The details say how many records each copy rate was timed over.
 */
export async function measureBaselines(
  setup: BaselinesSetup,
  options: BenchOptions,
  timed: Timed,
): Promise<{ measures: Measure[]; details: string[] }> {
  const copies = await copyLoopVersusStreams(setup, options, timed);
  const relay = await relayVersusProducerPerformance(setup, options, timed);
  return { measures: [...copies.measures, relay], details: copies.details };
}

async function copyLoopVersusStreams(
  setup: BaselinesSetup,
  options: BenchOptions,
  timed: Timed,
): Promise<{ measures: Measure[]; details: string[] }> {
  const copy = { ...setup, partitions: options.partitions, records: options.copyRecords };
  const runs: Array<{ copier: string; rate: CopyRate }> = [];
  const streams = await timed('Kafka Streams copy', () =>
    measureStreamsCopy({ ...copy, log: setup.say }),
  );
  runs.push({ copier: 'Kafka Streams exactly_once_v2', rate: streams });
  const measures: Measure[] = [];
  for (const client of kafkaClientNames) {
    const loop = await timed(`copy loop on ${client}`, () => measureCopyLoop({ ...copy, client }));
    runs.push({ copier: `copy loop on ${client}`, rate: loop });
    measures.push({
      measure: `copy loop, exactly-once, on ${client} (${COPY_RECORD_BYTES} B records)`,
      value: loop.recordsPerSec,
      baseline: 'Kafka Streams exactly_once_v2',
      baselineValue: streams.recordsPerSec,
      unit: '/s',
      target: 1.2,
    });
  }
  for (const { copier, rate } of runs) setup.say(`${copier}: ${describe(rate)}`);
  // The blank line after the table keeps the next details' table (end to end's) apart from it.
  const details = [
    `Copies of ${options.copyRecords} records, each timed from the first commit seen to the last:`,
    '',
    '| copier | records/s | records timed | over |',
    '|---|---|---|---|',
    ...runs.map(
      ({ copier, rate }) =>
        `| ${copier} | ${fmt(rate.recordsPerSec)} | ${rate.timedRecords} | ${rate.timedSec.toFixed(2)} s |`,
    ),
    '',
  ];
  return { measures, details };
}

async function relayVersusProducerPerformance(
  setup: BaselinesSetup,
  options: BenchOptions,
  timed: Timed,
): Promise<Measure> {
  const batchSize = Math.max(...options.relayBatchSizes);
  // The relay part's figure when it ran: the same drain again would only cost time.
  const relay =
    setup.relay ??
    (await timed(`relay batch ${batchSize} (for ProducerPerformance)`, () =>
      measureRelayDrain({ ...setup, ...options, rows: options.outboxRows, batchSize }),
    ));
  const perf = await timed('ProducerPerformance, transactional', () =>
    measureProducerPerformance({
      ...setup,
      partitions: options.partitions,
      records: options.outboxRows,
      recordBytes: relay.payloadBytes,
      log: setup.say,
    }),
  );
  setup.say(
    `relay ${fmt(relay.relayRowsPerSec)} rows/s${setup.relay ? ' (from the relay part)' : ''}; ProducerPerformance: ${perf.summary}`,
  );
  return {
    measure: `relay drain (batch ${batchSize}, ${relay.payloadBytes} B payloads)`,
    value: relay.relayRowsPerSec,
    baseline: 'ProducerPerformance, transactions of 100 ms',
    baselineValue: perf.recordsPerSec,
    unit: '/s',
    target: 0.5,
  };
}

const describe = (r: CopyRate): string =>
  `${fmt(r.recordsPerSec)} records/s (${r.timedRecords} records timed over ${r.timedSec.toFixed(2)} s)`;
