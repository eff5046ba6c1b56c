import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { paymentsRegistry, registerOutboxGauges } from './payments-metrics.js';

/** Prometheus metrics (public, like health: expose it only on an internal network). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsHttpController {
  constructor(db: DataSource) {
    registerOutboxGauges(db);
  }

  @Get()
  @Header('content-type', paymentsRegistry.contentType)
  async metrics(): Promise<string> {
    return paymentsRegistry.metrics();
  }
}
