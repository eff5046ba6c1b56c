import { Controller, Get, Inject, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { dependencyChecks } from '#health';
import { createKafka } from '#kafka-eos';
import { paymentsConfig } from '../config/payments.config.js';
import { OutboxRelay } from '../outbox/outbox-relay.service.js';

/**
 * Liveness (the process serves HTTP) and readiness (its database and Kafka answer, and its relay,
 * when it runs one, has not been fenced; a standby relay is ready, and one held back by an old
 * transaction says by which in its details, without failing). Public, like /metrics.
 */
@ApiExcludeController()
@Controller('health')
export class HealthHttpController {
  private readonly kafka: Kafka;

  constructor(
    @Inject(paymentsConfig.KEY) config: ConfigType<typeof paymentsConfig>,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: DataSource,
    private readonly relay: OutboxRelay,
  ) {
    this.kafka = createKafka({
      clientId: 'payments-health',
      brokers: config.kafkaBrokers,
      logger: new Logger('Health'),
    });
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      ...dependencyChecks(this.indicators, this.db, this.kafka),
      () => {
        const relay = this.indicators.check('relay');
        const report = this.relay.report();
        return report.state === 'fenced' ? relay.down(report) : relay.up(report);
      },
    ]);
  }
}
