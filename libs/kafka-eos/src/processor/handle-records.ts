import { backoffMs, delay } from '../backoff.js';
import { toDeadLetter, type DeadLetterFailure } from '../dead-letter.js';
import { dependencyOutage } from '../dependency-errors.js';
import type { EosLogger } from '../kafka-factory.js';
import type { InputRecord, OutputRecord } from '../records.js';
import type { ProcessorObserver } from './processor-options.js';

/** What a handler is told besides its records. */
export interface HandlerContext {
  /** 1 for a record's first try; counts failures that were not outages. */
  attempt: number;
  /** Tells the group this instance is alive: call it during long work. */
  heartbeat: () => Promise<void>;
}

/**
 * Handles records of one partition and returns each record's outputs, in their order. Called
 * with several records only when the processor may hand them over together (`together`); a
 * failure of such a call means nothing of it may have been kept (one database transaction).
 */
export type RecordsHandler = (
  records: InputRecord[],
  context: HandlerContext,
) => Promise<OutputRecord[][]>;

/** The outputs answering a record that goes to the dead-letter topic (e.g. a rejection). */
export type DeadLetterAnswer = (
  record: InputRecord,
  failure: DeadLetterFailure,
) => Promise<OutputRecord[]>;

export interface HandleRecordsOptions {
  handler: RecordsHandler;
  answerDeadLetter?: DeadLetterAnswer;
  deadLetterTopic: string;
  together: boolean;
  maxRecordsTogether: number;
  maxAttempts: number;
  /** The most bytes a dead letter may take: the topics' limit, known once the processor started. */
  maxBytes: () => number;
  logger: EosLogger;
  observer?: ProcessorObserver;
}

/** Undefined: shutting down while waiting out an outage; nothing of the batch may be committed. */
type Outputs = OutputRecord[] | undefined;

/**
 * Everything between a fetched batch and its outputs: handing records over together (in chunks,
 * with heartbeats between them) or one at a time; waiting out outages without counting them;
 * retrying other failures; and turning a record that cannot succeed into a dead letter with its
 * answer. Knows nothing of how offsets are committed.
 */
export class RecordHandling {
  private readonly attemptsByOffset = new Map<string, number>();

  constructor(private readonly options: HandleRecordsOptions) {}

  /** Forgets the attempts of records whose batch committed. */
  committed(records: InputRecord[]): void {
    for (const r of records) this.attemptsByOffset.delete(`${r.partition}:${r.offset}`);
  }

  /**
   * Each record's outputs when handed over together (undefined where a chunk failed, to be
   * handled alone), or undefined when records go one at a time.
   */
  async together(
    records: InputRecord[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<Outputs[] | undefined> {
    const { handler, logger, together, maxRecordsTogether } = this.options;
    if (!together || records.length < 2) return undefined;
    const outputs: Outputs[] = [];
    for (let start = 0; start < records.length; start += maxRecordsTogether) {
      const chunk = records.slice(start, start + maxRecordsTogether);
      const where = `${chunk.length} records from ${chunk[0]?.topic}[${chunk[0]?.partition}]`;
      for (let wait = 0; ; wait++) {
        try {
          const answer = await handler(chunk, { attempt: 1, heartbeat });
          if (answer.length !== chunk.length)
            throw new Error(`handler answered ${answer.length} of ${chunk.length} records`);
          outputs.push(...answer);
          break;
        } catch (error) {
          const outage = waitsOut(error);
          if (outage && isRunning()) {
            logger.warn(`${where}: ${outage}; waiting it out`, { error: String(error) });
            await delay(backoffMs(wait, 100, 2_000));
            await heartbeat();
            continue;
          }
          logger.warn(`${where} failed together; handling them one by one`, {
            error: String(error),
          });
          outputs.push(...chunk.map(() => undefined));
          break;
        }
      }
      await heartbeat();
    }
    return outputs;
  }

  /**
   * One record's outputs. Outages (an unavailable database, or an error marked `retriable`) are
   * waited out for as long as they last, without counting as attempts; a poison record (an error
   * marked `retriable: false`, or `maxAttempts` other failures) becomes a dead letter, answered
   * if the application can, so the partition moves on and nothing is dropped silently.
   */
  async alone(
    record: InputRecord,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<Outputs> {
    const { handler, logger, maxAttempts } = this.options;
    const key = `${record.partition}:${record.offset}`;
    for (let wait = 0; ; wait++) {
      const attempt = (this.attemptsByOffset.get(key) ?? 0) + 1;
      try {
        const [outputs] = await handler([record], { attempt, heartbeat });
        if (!outputs) throw new Error('handler answered no outputs for the record');
        return outputs;
      } catch (error) {
        const outage = waitsOut(error);
        if (!outage) this.attemptsByOffset.set(key, attempt);
        const poison = !outage && (error as { retriable?: unknown }).retriable === false;
        if (poison || (!outage && attempt >= maxAttempts)) {
          return this.deadLetter(
            record,
            { error, attempts: attempt, poison },
            heartbeat,
            isRunning,
          );
        }
        if (!isRunning()) return undefined;
        logger.warn(
          outage
            ? `record ${record.topic}[${key}]: ${outage}; waiting it out`
            : `record ${record.topic}[${key}] failed (attempt ${attempt}); retrying`,
          { error: String(error) },
        );
        await delay(backoffMs(wait, 100, 2_000));
        await heartbeat();
      }
    }
  }

  /** The dead letter of a record that cannot be handled, and the application's answer to it. */
  private async deadLetter(
    record: InputRecord,
    failure: DeadLetterFailure,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<Outputs> {
    const { answerDeadLetter, deadLetterTopic, logger, observer } = this.options;
    const where = `${record.topic}[${record.partition}:${record.offset}]`;
    let answer: OutputRecord[] = [];
    for (let wait = 0; answerDeadLetter; wait++) {
      try {
        answer = await answerDeadLetter(record, failure);
        break;
      } catch (error) {
        const outage = waitsOut(error);
        if (!outage) {
          logger.error(`cannot answer the dead letter of ${where}`, { error: String(error) });
          break;
        }
        if (!isRunning()) return undefined;
        logger.warn(`answering the dead letter of ${where}: ${outage}; waiting it out`);
        await delay(backoffMs(wait, 100, 2_000));
        await heartbeat();
      }
    }
    const answered = answer.length > 0;
    observer?.deadLetter?.(answered);
    logger.error(`record ${where} goes to the dead-letter topic${answered ? ', answered' : ''}`, {
      error: String(failure.error),
      attempts: failure.attempts,
      answered,
    });
    return [
      toDeadLetter(record, deadLetterTopic, { ...failure, answered }, this.options.maxBytes()),
      ...answer,
    ];
  }
}

/** Why an error is to be waited out (an outage, or marked `retriable`), or undefined. */
export function waitsOut(error: unknown): string | undefined {
  const outage = dependencyOutage(error);
  if (outage) return outage;
  return (error as { retriable?: unknown } | undefined)?.retriable === true
    ? 'retriable error'
    : undefined;
}
