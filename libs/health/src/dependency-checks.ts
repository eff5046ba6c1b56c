import type { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { describeKafka } from '#kafka-eos';

/**
 * The readiness checks every service shares: its database answers a query, and a Kafka broker
 * describes the cluster (cached for 2 s, so frequent probes do not open a connection each).
 */
export function dependencyChecks(
  indicators: HealthIndicatorService,
  db: DataSource,
  kafka: Kafka,
): HealthIndicatorFunction[] {
  return [
    () =>
      indicators
        .check('database')
        .attempt(() => db.query('select 1').then(() => undefined))
        .withTimeout(2_000),
    () =>
      indicators
        .check('kafka')
        .attempt(() => describeKafka(kafka))
        .withTimeout(5_000)
        .cacheFor(2_000),
  ];
}
