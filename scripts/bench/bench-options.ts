/** Sizes of one benchmark run; `--quick` finishes in a few minutes on a laptop. */
export interface BenchOptions {
  quick: boolean;
  /** Rows pre-filled into the outbox for each relay run. */
  outboxRows: number;
  /** RELAY_BATCH_SIZE values tried; the plain producer sends batches of the same sizes. */
  relayBatchSizes: number[];
  /** Concurrent connections (database loop) and concurrent requests (API). */
  concurrency: number;
  /** Transactions (database loop) and requests (API) timed, after a warm-up. */
  writes: number;
  warmUpWrites: number;
  /** Partitions of the topics the relay and the plain producer write to. */
  partitions: number;
  /** End to end, per delivery guarantee: transfers timed from accept to settlement. */
  endToEndTransfers: number;
  /** The steady load for latency, as a share of exactly-once's measured throughput, and its length. */
  steadyShare: number;
  steadySeconds: number;
  /** Transfers posted by the ledger, once with one instance and once with three. */
  ledgerTransfers: number;
  /** Records pre-filled into the input topic of each copy (the copy loop's, Kafka Streams'). */
  copyRecords: number;
}

export function benchOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  return {
    quick,
    outboxRows: quick ? 20_000 : 100_000,
    relayBatchSizes: [500, 2_000],
    concurrency: 16,
    writes: quick ? 5_000 : 20_000,
    warmUpWrites: quick ? 500 : 2_000,
    partitions: 3,
    endToEndTransfers: quick ? 3_000 : 15_000,
    steadyShare: 0.5,
    steadySeconds: quick ? 15 : 60,
    ledgerTransfers: quick ? 4_000 : 20_000,
    copyRecords: quick ? 20_000 : 100_000,
  };
}
