import { parseArgs } from 'node:util';
import { Topics } from '#contracts';
import { kafkaBrokersSchema } from '#config';
import { UsageError } from './dlq-errors.js';

export const USAGE = [
  'usage: npm run dlq -- list [--topic <topic>]... [--all-records] [--json]',
  '       npm run dlq -- show <topic> <partition>:<offset> [--full] [--json]',
  '       npm run dlq -- replay <topic> (<partition>:<offset>... | --reason <text> | --all)',
  '                          [--dry-run] [--include-answered] [--per-transaction <n>] [--json]',
  '  <topic>: a dead-letter topic, or `ledger` / `settlement` for the two the services write',
  '  every command: [--brokers host:port,...] (default KAFKA_BROKERS) [--verbose]',
].join('\n');

/** A dead letter's place in its topic. */
export interface Coordinates {
  partition: number;
  offset: string;
}

/** Which dead letters to replay: exactly one of the three. */
export type ReplaySelection =
  | { kind: 'coordinates'; coordinates: Coordinates[] }
  | { kind: 'reason'; reason: string }
  | { kind: 'all' };

export type DlqCommand =
  | { name: 'help' }
  | { name: 'list'; topics: string[]; allRecords: boolean; json: boolean }
  | { name: 'show'; topic: string; at: Coordinates; full: boolean; json: boolean }
  | {
      name: 'replay';
      topic: string;
      selection: ReplaySelection;
      dryRun: boolean;
      includeAnswered: boolean;
      perTransaction: number;
      json: boolean;
    };

export interface DlqOptions {
  brokers: string[];
  verbose: boolean;
  command: DlqCommand;
}

/**
 * The two dead-letter topics, named as the services name them: the ledger's
 * `TOPIC_DEAD_LETTER` (apps/ledger/src/config/ledger.config.ts) and settlement's
 * `<TOPIC_TRANSFER_RESULTS>.dlq` (apps/payments/src/settlement/settlement.transport.ts).
 */
export function serviceDeadLetterTopics(
  env: Record<string, string | undefined>,
): Record<'ledger' | 'settlement', string> {
  return {
    ledger: env.TOPIC_DEAD_LETTER || `${Topics.transferRequested}.dlq`,
    settlement: `${env.TOPIC_TRANSFER_RESULTS || Topics.transferResults}.dlq`,
  };
}

const DEFAULT_PER_TRANSACTION = 200;

const OPTIONS = {
  brokers: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  topic: { type: 'string', multiple: true },
  'all-records': { type: 'boolean', default: false },
  full: { type: 'boolean', default: false },
  reason: { type: 'string' },
  all: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'include-answered': { type: 'boolean', default: false },
  'per-transaction': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const CONFIG = { options: OPTIONS, allowPositionals: true, strict: true } as const;

type Values = ReturnType<typeof parseArgs<typeof CONFIG>>['values'];

/** The command line and the environment, checked; throws `UsageError` for anything wrong. */
export function parseDlqOptions(
  argv: string[],
  env: Record<string, string | undefined>,
): DlqOptions {
  let parsed;
  try {
    parsed = parseArgs({ ...CONFIG, args: argv });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const brokers = parseBrokers(values.brokers, env.KAFKA_BROKERS);
  const [name, ...rest] = positionals;
  const verbose = values.verbose;
  if (values.help || name === undefined || name === 'help')
    return { brokers, verbose, command: { name: 'help' } };
  const topics = serviceDeadLetterTopics(env);
  return { brokers, verbose, command: parseCommand(name, rest, values, topics) };
}

function parseCommand(
  name: string,
  rest: string[],
  values: Values,
  topics: Record<'ledger' | 'settlement', string>,
): DlqCommand {
  const onlyFor = (flags: Array<keyof Values>, command: string): void => {
    const misplaced = (Object.keys(OPTIONS) as Array<keyof Values>).filter(
      (flag) =>
        !flags.includes(flag) &&
        !['brokers', 'verbose', 'json', 'help'].includes(flag) &&
        values[flag] !== undefined &&
        values[flag] !== false,
    );
    if (misplaced.length > 0)
      throw new UsageError(`${command} does not take --${misplaced.join(', --')}`);
  };
  const resolve = (topic: string | undefined): string => {
    if (!topic) throw new UsageError(`${name} needs a dead-letter topic`);
    return topic === 'ledger' || topic === 'settlement' ? topics[topic] : topic;
  };
  switch (name) {
    case 'list': {
      onlyFor(['topic', 'all-records'], 'list');
      if (rest.length > 0) throw new UsageError(`list takes no arguments (got ${rest.join(' ')})`);
      const chosen = values.topic?.map(resolve) ?? [topics.ledger, topics.settlement];
      return {
        name,
        topics: [...new Set(chosen)],
        allRecords: values['all-records'],
        json: values.json,
      };
    }
    case 'show': {
      onlyFor(['full'], 'show');
      const [topic, at, ...extra] = rest;
      if (at === undefined || extra.length > 0)
        throw new UsageError('show needs <topic> <partition>:<offset>');
      return {
        name,
        topic: resolve(topic),
        at: parseCoordinates(at),
        full: values.full,
        json: values.json,
      };
    }
    case 'replay': {
      onlyFor(['reason', 'all', 'dry-run', 'include-answered', 'per-transaction'], 'replay');
      const [topic, ...coordinates] = rest;
      return {
        name,
        topic: resolve(topic),
        selection: parseSelection(coordinates, values.reason, values.all),
        dryRun: values['dry-run'],
        includeAnswered: values['include-answered'],
        perTransaction: parsePerTransaction(values['per-transaction']),
        json: values.json,
      };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  }
}

function parseBrokers(flag: string | undefined, env: string | undefined): string[] {
  const parsed = kafkaBrokersSchema.safeParse(flag ?? env ?? '127.0.0.1:9092');
  if (!parsed.success)
    throw new UsageError(
      `${flag === undefined ? 'KAFKA_BROKERS' : '--brokers'}: expected host:port[,host:port...]`,
    );
  return parsed.data;
}

/** `<partition>:<offset>`, both whole numbers. */
export function parseCoordinates(text: string): Coordinates {
  const match = /^(\d{1,9}):(\d{1,19})$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new UsageError(`expected <partition>:<offset>, e.g. 0:42 (got ${JSON.stringify(text)})`);
  return { partition: Number(match[1]), offset: BigInt(match[2]).toString() };
}

function parseSelection(
  coordinates: string[],
  reason: string | undefined,
  all: boolean,
): ReplaySelection {
  const given = [coordinates.length > 0, reason !== undefined, all].filter(Boolean).length;
  if (given !== 1)
    throw new UsageError(
      'replay needs exactly one of: <partition>:<offset>..., --reason <text>, --all',
    );
  if (reason !== undefined) {
    if (reason.trim() === '') throw new UsageError('--reason needs some text');
    return { kind: 'reason', reason };
  }
  if (all) return { kind: 'all' };
  return { kind: 'coordinates', coordinates: coordinates.map(parseCoordinates) };
}

function parsePerTransaction(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PER_TRANSACTION;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new UsageError(`--per-transaction must be a whole number from 1 to 10000 (got ${text})`);
  return n;
}
