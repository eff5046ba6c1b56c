import { deliveryGuarantees } from '../delivery-guarantee.js';
import type { RecordProcessorOptions } from '../processor/processor-options.js';
import type { OutputRecord } from '../records.js';

/** What one pattern consumes, and how: its topic, group, dead letters and delivery guarantee. */
export type KafkaEosSubscription = Omit<
  RecordProcessorOptions,
  'kafka' | 'handler' | 'together' | 'answerDeadLetter' | 'logger'
> & {
  /** Off: the handler stays registered, nothing is consumed (default on). */
  enabled?: boolean;
};

/** The second argument of `@EventPattern(pattern, extras)` on this transport. */
export interface KafkaEosPatternExtras {
  /** The handler gets all the records of a fetch at once (`InputRecord[]`), and answers each. */
  batch?: boolean;
}

const DEAD_LETTER_SUFFIX = '.dead-letter';

/** The pattern of the handler answering the records of `pattern` that go to the dead letters. */
export function deadLetterPattern(pattern: string): string {
  return `${pattern}${DEAD_LETTER_SUFFIX}`;
}

/**
 * Every handler's pattern has a subscription (a dead-letter answer, its pattern's), every enabled
 * subscription a handler, and each subscription names its topic, group and dead letters
 * distinctly: checked when the transport starts, so a mistake stops the app instead of leaving a
 * topic unread.
 */
export function validateSubscriptions(
  subscriptions: Record<string, KafkaEosSubscription>,
  patterns: string[],
): void {
  for (const route of patterns) {
    const base = route.endsWith(DEAD_LETTER_SUFFIX)
      ? route.slice(0, -DEAD_LETTER_SUFFIX.length)
      : route;
    if (!subscriptions[base] && !subscriptions[route])
      throw new Error(`${route}: a handler with no subscription (no topic to consume)`);
  }
  for (const [pattern, s] of Object.entries(subscriptions)) {
    const where = `subscription ${pattern}`;
    if (s.enabled !== false && !patterns.includes(pattern))
      throw new Error(`${where}: no @EventPattern('${pattern}') handler`);
    for (const name of ['topic', 'groupId', 'deadLetterTopic'] as const) {
      if (typeof s[name] !== 'string' || s[name].trim() === '')
        throw new Error(`${where}: ${name} must be a topic or group name`);
    }
    if (s.deadLetterTopic === s.topic)
      throw new Error(`${where}: the dead-letter topic cannot be the topic consumed`);
    if (s.guarantee !== undefined && !deliveryGuarantees.includes(s.guarantee))
      throw new Error(`${where}: guarantee must be one of ${deliveryGuarantees.join(', ')}`);
    if (s.maxAttempts !== undefined && !(Number.isInteger(s.maxAttempts) && s.maxAttempts > 0))
      throw new Error(`${where}: maxAttempts must be a positive integer`);
  }
}

/** A handler's answer for one record: no records, or a list of them. */
export function toOutputs(answer: unknown, pattern: string): OutputRecord[] {
  if (answer === undefined || answer === null) return [];
  const outputs = Array.isArray(answer) ? answer : [answer];
  for (const output of outputs as Array<Partial<OutputRecord> | null>) {
    const valid =
      typeof output?.topic === 'string' &&
      (typeof output.value === 'string' || Buffer.isBuffer(output.value));
    if (!valid) throw new Error(`${pattern}: a handler answers records with a topic and a value`);
  }
  return outputs as OutputRecord[];
}
