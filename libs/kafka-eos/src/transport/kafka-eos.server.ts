import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { KafkaClient } from '../client/kafka-client.js';
import { lastValueFrom } from 'rxjs';
import type { DeadLetterAnswer, RecordsHandler } from '../processor/handle-records.js';
import { RecordProcessor } from '../processor/record-processor.js';
import { KafkaEosContext } from './kafka-eos.context.js';
import { isDefaultFilterError } from './kafka-eos.exception-filter.js';
import { RecordSpans } from './record-spans.js';
import {
  deadLetterPattern,
  toOutputs,
  validateSubscriptions,
  type KafkaEosPatternExtras,
  type KafkaEosSubscription,
} from './subscriptions.js';

export { deadLetterPattern, type KafkaEosPatternExtras, type KafkaEosSubscription };

export interface KafkaEosServerOptions {
  kafka: KafkaClient;
  /** Each `@EventPattern` of the app's controllers, and what it consumes. */
  subscriptions: Record<string, KafkaEosSubscription>;
  /** Before consuming, retried with the start while Kafka does not answer (e.g. create topics). */
  prepare?: () => Promise<void>;
  /** Start-up met an error that waiting does not cure (e.g. a topic's replication too low). */
  onFatal?: (error: Error) => void;
  logger?: Logger;
}

/**
 * A NestJS microservice transport that consumes, handles and produces exactly once (or under the
 * weaker guarantee a subscription names). A handler is a controller method with
 * `@EventPattern(pattern)`; what it returns (`OutputRecord[]`, or one list per record for a
 * `{ batch: true }` handler) is produced in the Kafka transaction that commits its input offsets.
 * An error keeps its meaning (`retriable`, see `KafkaEosExceptionFilter`). Connect it with
 * `app.connectMicroservice({ strategy })` and start it with `app.startAllMicroservices()`; it
 * stops when the app closes, before the providers' shutdown hooks (the database's) run.
 */
export class KafkaEosServer extends Server implements CustomTransportStrategy {
  private readonly processors = new Map<string, RecordProcessor>();
  private readonly log: Logger;
  private warnedAboutFilter = false;

  constructor(private readonly options: KafkaEosServerOptions) {
    super();
    this.log = options.logger ?? new Logger(KafkaEosServer.name);
  }

  /** Two handlers on one pattern would both run, and which one's records count is unclear: refused. */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const route = this.normalizePattern(pattern as string);
    if (!isEventHandler)
      throw new Error(`${route}: the Kafka EOS transport takes @EventPattern handlers only`);
    if (this.messageHandlers.has(route))
      throw new Error(`${route}: two handlers for one pattern; give each its own pattern`);
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  /** Checks the handlers against the subscriptions, then starts consuming (in the background). */
  listen(callback: (error?: unknown) => void): void {
    try {
      validateSubscriptions(this.options.subscriptions, [...this.messageHandlers.keys()]);
    } catch (error) {
      callback(error);
      return;
    }
    for (const [pattern, subscription] of Object.entries(this.options.subscriptions)) {
      if (subscription.enabled === false) continue;
      const processor = new RecordProcessor({
        ...subscription,
        kafka: this.options.kafka,
        logger: this.log,
        together: this.extras(pattern).batch === true,
        handler: this.recordsHandler(pattern),
        answerDeadLetter: this.deadLetterAnswer(pattern),
      });
      this.processors.set(pattern, processor);
      processor.startInBackground(this.options.prepare, this.options.onFatal);
    }
    callback();
  }

  /** Stops every consumer after the batch in progress. */
  async close(): Promise<void> {
    await Promise.all([...this.processors.values()].map((p) => p.stop()));
  }

  /** `disabled`, or whether the pattern's consumer runs yet (`starting` while Kafka is away). */
  state(pattern: string): 'disabled' | RecordProcessor['state'] {
    return this.processors.get(pattern)?.state ?? 'disabled';
  }

  on(): never {
    throw new Error('the Kafka EOS transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.processors as T;
  }

  private extras(pattern: string): KafkaEosPatternExtras {
    return (this.getHandlerByPattern(pattern)?.extras ?? {}) as KafkaEosPatternExtras;
  }

  /** What the consumer of `pattern` calls with its records: the Nest handler, through Nest. */
  recordsHandler(pattern: string): RecordsHandler {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`${pattern}: no handler`);
    const batch = this.extras(pattern).batch === true;
    return async (records, { attempt, heartbeat }) => {
      const first = records[0];
      if (!first) return [];
      const context = new KafkaEosContext([
        { topic: first.topic, partition: first.partition, records, attempt, heartbeat },
      ]);
      return new RecordSpans(pattern, records).around(async () => {
        if (!batch) return [toOutputs(await this.call(handler, first, context), pattern)];
        const answer = await this.call(handler, records, context);
        if (answer === undefined || answer === null) return records.map(() => []);
        if (!Array.isArray(answer))
          throw new Error(`${pattern}: a batch handler answers one list of records per record`);
        return answer.map((outputs) => toOutputs(outputs, pattern));
      });
    };
  }

  /** What the consumer of `pattern` calls for a dead letter's answer, if a handler gives one. */
  deadLetterAnswer(pattern: string): DeadLetterAnswer | undefined {
    const handler = this.getHandlerByPattern(deadLetterPattern(pattern));
    if (!handler) return undefined;
    return async (record, failure) => {
      const context = new KafkaEosContext([
        {
          topic: record.topic,
          partition: record.partition,
          records: [record],
          attempt: failure.attempts,
          heartbeat: async () => undefined,
          failure,
        },
      ]);
      const answerPattern = deadLetterPattern(pattern);
      const [answer = []] = await new RecordSpans(answerPattern, [record]).around(async () => [
        toOutputs(await this.call(handler, record, context), answerPattern),
      ]);
      return answer;
    };
  }

  /** Runs a handler through Nest (pipes, guards, interceptors, filters) and awaits its answer. */
  private async call(
    handler: MessageHandler,
    data: unknown,
    context: KafkaEosContext,
  ): Promise<unknown> {
    try {
      const result: unknown = await handler(data, context);
      return await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    } catch (error) {
      if (!isDefaultFilterError(error)) throw error;
      if (!this.warnedAboutFilter) {
        this.warnedAboutFilter = true;
        this.log.error(
          "a handler's error reached the transport through Nest's default RPC filter, which drops " +
            'whether it may be retried: apply @UseFilters(KafkaEosExceptionFilter) to the controller',
        );
      }
      throw new Error(error.message, { cause: error });
    }
  }
}
