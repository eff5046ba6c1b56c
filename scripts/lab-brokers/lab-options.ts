import { parseArgs } from 'node:util';

export const SYSTEMS = ['rabbitmq', 'jetstream', 'kafka'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface LabOptions {
  seed: number;
  /** Messages each cell sends, numbered 0 to messages - 1. */
  messages: number;
  /** Faults injected in each cell. */
  faults: number;
  systems: SystemName[];
}

export const USAGE =
  'usage: npm run lab:brokers -- [--seed N] [--messages N] [--faults N] [--systems rabbitmq,jetstream,kafka]';

/** Reads the command line; throws with the usage line on anything it does not know. */
export function parseLabOptions(argv: string[]): LabOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      messages: { type: 'string', default: '200' },
      faults: { type: 'string', default: '2' },
      systems: { type: 'string', default: SYSTEMS.join(',') },
    },
    strict: true,
    allowPositionals: false,
  });
  const seed = integer('--seed', values.seed, 0);
  const messages = integer('--messages', values.messages, 10);
  const faults = integer('--faults', values.faults, 1);
  // Faults go to distinct messages away from both ends: at most a third of them.
  if (faults > Math.floor(messages / 3))
    throw new Error(`--faults ${faults} is more than a third of --messages ${messages}\n${USAGE}`);
  const systems = values.systems.split(',').map((s) => s.trim());
  const unknown = systems.filter((s) => !(SYSTEMS as readonly string[]).includes(s));
  if (unknown.length > 0 || systems.length === 0)
    throw new Error(`unknown system ${unknown.join(', ') || '(none)'}\n${USAGE}`);
  return { seed, messages, faults, systems: systems as SystemName[] };
}

function integer(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${text}\n${USAGE}`);
  return value;
}
