import { Logger, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import type { KafkaClientName, SaslCredentials } from './client/kafka-client.js';
import { createKafkaClient } from './kafka-factory.js';

/** Inject the app's one Kafka client with `@Inject(KAFKA_CLIENT) kafka: KafkaClient`. */
export const KAFKA_CLIENT: InjectionToken = Symbol('KAFKA_CLIENT');

export interface KafkaClientOptions {
  /** The client library (default kafkajs). */
  library?: KafkaClientName;
  /** Names the app's connections in the brokers' logs and quotas. */
  clientId: string;
  brokers: string[];
  sasl?: SaslCredentials;
}

/**
 * One Kafka client per app, for every consumer, producer, admin and health check in it (a client
 * is a factory: its consumers and producers hold their own connections). Global: imported once,
 * by the app's root module.
 */
@Module({})
export class KafkaClientModule {
  /**
   * From an app's registered config (`registerAs`) that has `kafkaBrokers`, `kafkaSasl` and
   * `kafkaClient`.
   */
  static forConfig(configKey: InjectionToken, clientId: string): DynamicModule {
    return KafkaClientModule.forRootAsync({
      inject: [configKey],
      useFactory: (config: {
        kafkaBrokers: string[];
        kafkaSasl?: SaslCredentials;
        kafkaClient?: KafkaClientName;
      }) => ({
        library: config.kafkaClient,
        clientId,
        brokers: config.kafkaBrokers,
        sasl: config.kafkaSasl,
      }),
    });
  }

  static forRootAsync(options: {
    inject: InjectionToken[];
    useFactory: (...deps: never[]) => KafkaClientOptions;
  }): DynamicModule {
    return {
      module: KafkaClientModule,
      global: true,
      providers: [
        {
          provide: KAFKA_CLIENT,
          inject: options.inject,
          useFactory: (...deps: never[]) =>
            createKafkaClient({ ...options.useFactory(...deps), logger: new Logger('Kafka') }),
        },
      ],
      exports: [KAFKA_CLIENT],
    };
  }
}
