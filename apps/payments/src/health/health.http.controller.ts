import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { databaseCheck, kafkaCheck, readiness, type Readiness } from '#health';
import { KAFKA_CLIENT, type KafkaClient, KafkaEosServer } from '#kafka-eos';
import { OutboxRelay, RELAY_ENABLED } from '../outbox/outbox-relay.service.js';
import { SETTLEMENT } from '../settlement/settlement.controller.js';

/**
 * Liveness (the process serves HTTP) and readiness. Accepting transfers needs only the
 * database, so payments stays ready while Kafka is down: the outbox keeps what it accepts, and
 * the relay and settlement catch up when Kafka is back. The answer says which of accepting,
 * publishing and settling work now. Not ready: the database is down, or this process's relay
 * was fenced by another instance. A standby relay is ready, and one held back by an old
 * transaction says by which in its details, without failing. Public, like /metrics.
 */
@ApiExcludeController()
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(RELAY_ENABLED) private readonly relayEnabled: boolean,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    // Absent in the standalone relay process (last: an optional parameter ends the list).
    @Optional() private readonly transport?: KafkaEosServer,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): Promise<Readiness> {
    const settlement = this.transport?.state(SETTLEMENT) ?? 'disabled';
    const checks = [
      databaseCheck(this.indicators, this.db),
      kafkaCheck(this.indicators, this.kafka),
    ];
    if (this.relayEnabled) {
      checks.push(() => {
        const relay = this.indicators.check('relay');
        const report = this.relay.report();
        const down = report.state === 'fenced' || report.state === 'failed';
        return Promise.resolve(down ? relay.down(report) : relay.up(report));
      });
    }
    if (settlement !== 'disabled') {
      checks.push(() => {
        const check = this.indicators.check('settlement');
        return Promise.resolve(
          settlement === 'running'
            ? check.up({ state: settlement })
            : check.down({ state: settlement }),
        );
      });
    }
    return readiness(checks, this.relayEnabled ? ['database', 'relay'] : ['database'], (up) => ({
      accepting: up('database'),
      ...(this.relayEnabled && { publishing: up('database') && up('kafka') && up('relay') }),
      ...(settlement !== 'disabled' && {
        settling: up('database') && up('kafka') && up('settlement'),
      }),
    }));
  }
}
