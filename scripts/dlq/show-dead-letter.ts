import type { IHeaders, Kafka } from 'kafkajs';
import { asDeadLetter, coordinatesOf, type DeadLetter } from './dead-letter-record.js';
import { OperatorError } from './dlq-errors.js';
import { partitionCounts } from './dlq-kafka.js';
import type { Coordinates } from './dlq-options.js';
import { readCommittedToEnd } from './read-to-end.js';

/** The committed record at `at` in `topic`; an operator error if there is none. */
export async function readDeadLetter(
  kafka: Kafka,
  topic: string,
  at: Coordinates,
): Promise<DeadLetter> {
  const partitions = (await partitionCounts(kafka, [topic])).get(topic);
  if (partitions === undefined) throw new OperatorError(`there is no topic ${topic}`);
  if (at.partition >= partitions)
    throw new OperatorError(`${topic} has no partition ${at.partition} (it has ${partitions})`);
  const offset = BigInt(at.offset);
  const { records, ranges } = await readCommittedToEnd(kafka, [
    { topic, partition: at.partition, from: offset, until: offset + 1n },
  ]);
  const found = records.find((r) => r.message.offset === at.offset);
  if (found) return asDeadLetter(found);
  const range = ranges[0];
  const held = range && range.end > range.low ? `${range.low} to ${range.end - 1n}` : 'none';
  throw new OperatorError(
    `no committed record at ${topic} ${coordinatesOf(at)} (offsets in partition ${at.partition}: ${held}; ` +
      'an offset can also hold a transaction marker or an aborted record)',
  );
}

/** Bytes as an operator can read them: UTF-8 text when printable, base64 otherwise. */
export interface ShownBytes {
  encoding: 'utf-8' | 'base64';
  bytes: number;
  text: string;
  /** Cut to the first `SHOWN_BYTES` (`--full` shows all). */
  truncated: boolean;
}

const SHOWN_BYTES = 4_096;
/** Control characters other than tab, line feed and carriage return. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return true;
  }
  return false;
}

export function showBytes(value: Buffer | string, full: boolean): ShownBytes {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const shown = full ? bytes : bytes.subarray(0, SHOWN_BYTES);
  const truncated = shown.length < bytes.length;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined && !hasControlCharacters(text)) {
    // Cut at a character boundary: decode the shown bytes leniently (a split last character
    // becomes U+FFFD) and drop a trailing replacement character.
    const cut = truncated ? shown.toString('utf8').replace(/\uFFFD$/, '') : text;
    return { encoding: 'utf-8', bytes: bytes.length, text: cut, truncated };
  }
  return { encoding: 'base64', bytes: bytes.length, text: shown.toString('base64'), truncated };
}

/** `show --json`: the dead letter with its bytes made readable. */
export function deadLetterJson(letter: DeadLetter, full: boolean): Record<string, unknown> {
  return {
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    timestamp: letter.timestamp,
    reason: letter.reason ?? null,
    source: letter.source ?? null,
    attempts: letter.attempts ?? null,
    answered: letter.answered ?? null,
    truncatedBytes: letter.truncatedBytes ?? null,
    replayedFrom: letter.replayedFrom ?? null,
    headers: headerEntries(letter.headers).map(([name, value]) => ({
      name,
      ...showBytes(value, full),
    })),
    key: letter.key === null ? null : showBytes(letter.key, full),
    value: letter.value === null ? null : showBytes(letter.value, full),
  };
}

export function formatDeadLetter(letter: DeadLetter, full: boolean): string {
  const describe = (label: string, bytes: Buffer | null): string[] => {
    if (bytes === null) return [`${label}: null`];
    const shown = showBytes(bytes, full);
    const kept = shown.encoding === 'utf-8' ? Buffer.byteLength(shown.text) : SHOWN_BYTES;
    const more = shown.truncated ? [`… ${shown.bytes - kept} more bytes (--full shows all)`] : [];
    return [`${label} (${shown.encoding}, ${shown.bytes} bytes):`, shown.text, ...more];
  };
  return [
    `${letter.topic} ${coordinatesOf(letter)}, dead-lettered at ${letter.timestamp}`,
    'headers:',
    ...headerEntries(letter.headers).map(([name, value]) => {
      const shown = showBytes(value, full);
      return `  ${name}: ${shown.encoding === 'utf-8' ? shown.text : `(base64) ${shown.text}`}`;
    }),
    ...describe('key', letter.key),
    ...describe('value', letter.value),
  ].join('\n');
}

/** Each header value on its own, in the record's order (a repeated name gives several). */
function headerEntries(headers: IHeaders): Array<[string, Buffer | string]> {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => [name, v]),
  ) as Array<[string, Buffer | string]>;
}
