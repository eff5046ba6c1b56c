import type { HealthIndicatorService } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { describeKafka, type KafkaClient } from '#kafka-eos';
import type { ReadinessCheck } from './readiness.js';

/** The database answers a query within 2 s. */
export function databaseCheck(indicators: HealthIndicatorService, db: DataSource): ReadinessCheck {
  return () =>
    indicators
      .check('database')
      .attempt(() => db.query('select 1').then(() => undefined))
      .withTimeout(2_000);
}

/**
 * A Kafka broker describes the cluster within 5 s (cached for 2 s, so frequent probes do not
 * open a connection each).
 */
export function kafkaCheck(indicators: HealthIndicatorService, kafka: KafkaClient): ReadinessCheck {
  return () =>
    indicators
      .check('kafka')
      .attempt(() => describeKafka(kafka))
      .withTimeout(5_000)
      .cacheFor(2_000);
}

/** The readiness checks every service shares: its database and Kafka. */
export function dependencyChecks(
  indicators: HealthIndicatorService,
  db: DataSource,
  kafka: KafkaClient,
): ReadinessCheck[] {
  return [databaseCheck(indicators, db), kafkaCheck(indicators, kafka)];
}
