import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { paymentsConfig } from '../config/payments.config.js';
import { OutboxRelay, RELAY_ENABLED } from './outbox-relay.service.js';

/**
 * The outbox relay. In the API process it runs when RELAY_MODE=embedded; the relay process
 * (relay.main.ts) runs it whatever the mode.
 */
@Module({})
export class OutboxRelayModule {
  static forRoot(options: { standalone: boolean }): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [
        OutboxRelay,
        {
          provide: RELAY_ENABLED,
          inject: [paymentsConfig.KEY],
          useFactory: (config: ConfigType<typeof paymentsConfig>) =>
            options.standalone || config.relay.mode === 'embedded',
        },
      ],
      exports: [OutboxRelay, RELAY_ENABLED],
    };
  }
}
