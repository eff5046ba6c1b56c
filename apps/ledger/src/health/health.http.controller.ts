import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { dependencyChecks, readiness, type Readiness } from '#health';
import { KAFKA_CLIENT, type KafkaClient, KafkaEosServer } from '#kafka-eos';
import { POSTING } from '../posting/posting.controller.js';

/**
 * Liveness (the process serves HTTP) and readiness: the ledger posts, so it is ready when its
 * database and Kafka answer and its posting consumer runs on the Kafka transport (or posting is disabled).
 */
@ApiExcludeController()
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly db: DataSource,
    private readonly transport: KafkaEosServer,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): Promise<Readiness> {
    const state = this.transport.state(POSTING);
    const posting = () => {
      const check = this.indicators.check('posting');
      return Promise.resolve(
        state === 'running' || state === 'disabled' ? check.up({ state }) : check.down({ state }),
      );
    };
    return readiness(
      [...dependencyChecks(this.indicators, this.db, this.kafka), posting],
      ['database', 'kafka', 'posting'],
      (up) => ({ posting: up('database') && up('kafka') && up('posting') }),
    );
  }
}
