import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { paymentsConfig } from './config/payments.config.js';
import { HealthHttpController } from './health/health.http.controller.js';

@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [paymentsConfig] })],
  controllers: [HealthHttpController],
})
export class PaymentsModule {}
