import { BaseRpcContext } from '@nestjs/microservices';
import type { DeadLetterFailure } from '../dead-letter.js';
import type { InputRecord } from '../records.js';

export interface KafkaEosContextArgs {
  topic: string;
  partition: number;
  /** The records of this call: one, or a batch for a `{ batch: true }` handler. */
  records: InputRecord[];
  attempt: number;
  heartbeat: () => Promise<void>;
  /** For a dead-letter answer: why the record is dead-lettered. */
  failure?: DeadLetterFailure;
}

/**
 * What a handler of the Kafka EOS transport gets with `@Ctx()`: where its records come from,
 * which attempt this is, and a heartbeat for long work.
 */
export class KafkaEosContext extends BaseRpcContext<[KafkaEosContextArgs]> {
  private get fields(): KafkaEosContextArgs {
    return this.args[0];
  }

  getTopic(): string {
    return this.fields.topic;
  }

  getPartition(): number {
    return this.fields.partition;
  }

  getRecords(): InputRecord[] {
    return this.fields.records;
  }

  /** The offset of the (first) record. */
  getOffset(): string {
    return this.fields.records[0]?.offset ?? '';
  }

  /** The headers of the (first) record. */
  getHeaders(): Record<string, string> {
    return this.fields.records[0]?.headers ?? {};
  }

  /** 1 on a record's first try; failures that were not outages count up. */
  getAttempt(): number {
    return this.fields.attempt;
  }

  /** Tells the consumer group this instance is alive: call it during long work. */
  heartbeat(): Promise<void> {
    return this.fields.heartbeat();
  }

  /** Set for a dead-letter answer: the error, the attempts, and whether it was poison. */
  getFailure(): DeadLetterFailure | undefined {
    return this.fields.failure;
  }
}
