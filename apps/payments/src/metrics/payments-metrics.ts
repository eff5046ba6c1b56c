import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { outboxBacklog } from '../outbox/fetch-outbox-batch.js';

/** The payments process's Prometheus registry; `/metrics` serves it. */
export const paymentsRegistry = new Registry();
collectDefaultMetrics({ register: paymentsRegistry });

export const relayPublishedRows = new Counter({
  name: 'relay_published_rows_total',
  help: 'Outbox rows published to Kafka in committed transactions',
  registers: [paymentsRegistry],
});

export const relayTransactions = new Counter({
  name: 'relay_kafka_transactions_total',
  help: 'Relay Kafka transactions by outcome (committed, failed, fenced)',
  labelNames: ['outcome'] as const,
  registers: [paymentsRegistry],
});

/** Outbox backlog gauges, read from the database at scrape time. */
export function registerOutboxGauges(db: DataSource): void {
  for (const [name, help, pick] of [
    ['outbox_unpublished_rows', 'Rows in the outbox not yet deleted after publishing', 'count'],
    [
      'outbox_oldest_unpublished_age_seconds',
      'Age of the oldest row in the outbox',
      'oldestAgeSeconds',
    ],
  ] as const) {
    paymentsRegistry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [paymentsRegistry],
      async collect() {
        this.set((await outboxBacklog(db))[pick]);
      },
    });
  }
}
