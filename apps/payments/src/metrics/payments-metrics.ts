import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProcessorObserver } from '#kafka-eos';
import type { DataSource } from 'typeorm';
import { outboxBacklog } from '../outbox/fetch-outbox-batch.js';
import { pendingTransfers, type PendingTransfers } from '../transfers/pending-transfers.js';

/** The payments process's Prometheus registry and metrics, one per app (`/metrics` serves it). */
@Injectable()
export class PaymentsMetrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  readonly relayPublishedRows = new Counter({
    name: 'relay_published_rows_total',
    help: 'Outbox rows published to Kafka in committed transactions',
    registers: [this.registry],
  });

  readonly relayTransactions = new Counter({
    name: 'relay_kafka_transactions_total',
    help: 'Relay Kafka transactions by outcome (committed, failed, timed-out, fenced)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly relayState = new Gauge({
    name: 'relay_state',
    help: 'The outbox relay of this process: 1 for its current state (stopped, standby, active, fenced, failed), 0 for the others',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly relayStalledSeconds = new Gauge({
    name: 'relay_stalled_seconds',
    help: 'How long the oldest outbox row has waited while the relay reads nothing: rows held back by an older transaction still running in the PostgreSQL cluster (0: not held back)',
    registers: [this.registry],
  });

  readonly relayHorizonHolderPid = new Gauge({
    name: 'relay_horizon_holder_pid',
    help: 'PostgreSQL backend pid of the oldest running transaction while it holds the relay back (0: none, not visible to this role, or a prepared transaction)',
    registers: [this.registry],
  });

  readonly paymentsTransfers = new Counter({
    name: 'payments_transfers_total',
    help: 'Transfers by outcome: accepted (202, not replays), completed, rejected',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly relayBatchRows = new Histogram({
    name: 'relay_batch_rows',
    help: 'Outbox rows per relay Kafka transaction',
    buckets: [1, 5, 10, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  private readonly settlementTransactions = new Counter({
    name: 'settlement_kafka_transactions_total',
    help: 'Settlement consumer Kafka transactions by outcome (committed, failed, fenced, timed-out)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly settlementLag = new Gauge({
    name: 'settlement_consumer_lag_records',
    help: 'Result records behind the end of the partition, as of the last fetched batch',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });

  private readonly settlementDeadLetters = new Counter({
    name: 'settlement_dead_letters_total',
    help: 'Results settlement could not apply and sent to its dead-letter topic (see `npm run dlq -- list`)',
    registers: [this.registry],
  });

  /** Results not applied because they disagree with payments' own record of the transfer. */
  readonly settlementRefusedResults = new Counter({
    name: 'settlement_results_refused_total',
    help: 'Results settlement refused: mismatch (accounts, amount or currency differ from the stored transfer; dead-lettered), unknown-transfer (no such transfer here)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** What settlement's consumer reports, as metrics. */
  readonly settlement: ProcessorObserver = {
    batch: (partition, _records, recordsBehind) =>
      this.settlementLag.set({ partition: String(partition) }, recordsBehind),
    transaction: (outcome) => this.settlementTransactions.inc({ outcome }),
    deadLetter: () => this.settlementDeadLetters.inc(),
  };

  /** Outbox backlog gauges, read from the database at scrape time. */
  readOutbox(db: DataSource): void {
    for (const [name, help, pick] of [
      ['outbox_unpublished_rows', 'Rows in the outbox not yet deleted after publishing', 'count'],
      [
        'outbox_oldest_unpublished_age_seconds',
        'Age of the oldest row in the outbox',
        'oldestAgeSeconds',
      ],
    ] as const) {
      this.registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set((await outboxBacklog(db))[pick]);
        },
      });
    }
  }

  /**
   * Gauges of transfers that stay pending, read from the database at scrape time: every accepted
   * transfer should reach a final state, and these show the ones that do not. Both come from one
   * query per scrape: the registry collects all metrics at once, so the gauges share the query in
   * flight.
   */
  readPendingTransfers(db: DataSource, alertAfterSeconds: number): void {
    let inFlight: Promise<PendingTransfers> | undefined;
    const read = (): Promise<PendingTransfers> =>
      (inFlight ??= pendingTransfers(db, alertAfterSeconds).finally(() => {
        inFlight = undefined;
      }));
    for (const [name, help, pick] of [
      [
        'payments_oldest_pending_transfer_age_seconds',
        'Age of the oldest transfer still pending (0 when none is)',
        'oldestAgeSeconds',
      ],
      [
        'payments_transfers_pending_over_threshold',
        `Transfers pending for longer than PENDING_ALERT_AFTER_SECONDS (${alertAfterSeconds} s)`,
        'overThreshold',
      ],
    ] as const) {
      this.registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set((await read())[pick]);
        },
      });
    }
  }
}
