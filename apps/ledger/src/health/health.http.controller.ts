import { Controller, Get, Inject, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
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
import { ledgerConfig } from '../config/ledger.config.js';

/** Liveness (the process serves HTTP) and readiness (its database and Kafka answer). */
@Controller('health')
export class HealthHttpController {
  private readonly kafka: Kafka;

  constructor(
    @Inject(ledgerConfig.KEY) config: ConfigType<typeof ledgerConfig>,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: DataSource,
  ) {
    this.kafka = createKafka({
      clientId: 'ledger-health',
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
    return this.health.check(dependencyChecks(this.indicators, this.db, this.kafka));
  }
}
