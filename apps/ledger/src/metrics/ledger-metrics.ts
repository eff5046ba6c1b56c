import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProcessorObserver } from '#kafka-eos';

/** The ledger's Prometheus registry and metrics, one per app (`/metrics` serves it). */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();

  readonly transfers = new Counter({
    name: 'ledger_transfers_total',
    help: 'Transfers applied by this instance, by outcome (settled, rejected) and rejection reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly transactions = new Counter({
    name: 'kafka_transactions_total',
    help: 'Consume-transform-produce Kafka transactions by outcome (committed, failed, fenced, timed-out)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly lag = new Gauge({
    name: 'kafka_consumer_lag_records',
    help: 'Records behind the end of the input partition, as of the last fetched batch',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });

  private readonly batchSize = new Histogram({
    name: 'kafka_batch_records',
    help: 'Data records per fetched batch (one Kafka transaction each)',
    buckets: [1, 5, 10, 50, 100, 500, 1000],
    registers: [this.registry],
  });

  private readonly deadLetters = new Counter({
    name: 'ledger_dead_letters_total',
    help: 'Requests sent to the dead-letter topic; answered="true" when a rejection went with it (the transfer still ends), "false" when the record named no transfer',
    labelNames: ['answered'] as const,
    registers: [this.registry],
  });

  /** What posting's consumer reports, as metrics. */
  readonly posting: ProcessorObserver = {
    batch: (partition, records, recordsBehind) => {
      this.batchSize.observe(records);
      this.lag.set({ partition: String(partition) }, recordsBehind);
    },
    transaction: (outcome) => this.transactions.inc({ outcome }),
    deadLetter: (answered) => this.deadLetters.inc({ answered: String(answered) }),
  };

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
