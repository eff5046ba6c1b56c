/**
 * The producer settings the lab compares, from fire-and-forget to transactional. Each is what a
 * team would write in its producer configuration, in kafkajs terms, plus what the application
 * around the producer does when a send fails (`appRetries`: send it again, until the cell's end).
 */
export interface ProducerSetting {
  id: string;
  /** As the table prints it. */
  label: string;
  acks: 0 | 1 | -1;
  /** The client's own retries of a request that timed out or failed. */
  retries: number;
  idempotent: boolean;
  transactional: boolean;
  /** The application sends a failed record again (at-least-once), or drops it (at-most-once). */
  appRetries: boolean;
}

export const PRODUCER_SETTINGS: readonly ProducerSetting[] = [
  {
    id: 'acks0',
    label: 'acks=0, no retries',
    acks: 0,
    retries: 0,
    idempotent: false,
    transactional: false,
    appRetries: false,
  },
  {
    id: 'acks1',
    label: 'acks=1, retries',
    acks: 1,
    retries: 30,
    idempotent: false,
    transactional: false,
    appRetries: true,
  },
  {
    id: 'acks-all',
    label: 'acks=all, retries',
    acks: -1,
    retries: 30,
    idempotent: false,
    transactional: false,
    appRetries: true,
  },
  {
    id: 'idempotent',
    label: 'acks=all, idempotent',
    acks: -1,
    retries: Number.MAX_SAFE_INTEGER,
    idempotent: true,
    transactional: false,
    appRetries: true,
  },
  {
    id: 'transactional',
    label: 'transactional',
    acks: -1,
    retries: Number.MAX_SAFE_INTEGER,
    idempotent: true,
    transactional: true,
    appRetries: true,
  },
];

/** The faults, each injected once per cell at a seeded point of the workload. */
export const PRODUCER_FAULTS = ['lost-response', 'leader-killed', 'producer-killed'] as const;
export type ProducerFault = (typeof PRODUCER_FAULTS)[number];

export const FAULT_LABELS: Record<ProducerFault, string> = {
  'lost-response': 'lost responses',
  'leader-killed': 'leader killed before followers caught up',
  'producer-killed': 'producer killed mid-send',
};
