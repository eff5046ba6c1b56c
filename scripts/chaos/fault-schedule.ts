import { Prng } from './prng.js';

export const FAULT_KINDS = [
  'ledger-sigkill',
  'ledger-sigterm',
  'ledger-sigstop',
  'ledger-scale',
  'ledger-backlog-sigkill',
  'payments-sigkill',
  'payments-sigterm',
  'relay-sigkill',
  'relay-sigterm',
  'relay-paused-past-timeout',
  'poison-injection',
  'broker-sigterm',
  'broker-sigkill',
  'coordinator-sigkill',
  'postgres-restart',
  'postgres-crash',
  'postgres-connections',
  'postgres-read-only',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * `--faults liveness`: what must never leave a transfer pending or dead-letter a good one,
 * database outages, a relay past its transaction timeout and poison, between ledger kills.
 */
export const LIVENESS_FAULTS: FaultKind[] = [
  'postgres-restart',
  'postgres-crash',
  'postgres-connections',
  'postgres-read-only',
  'relay-paused-past-timeout',
  'poison-injection',
  'ledger-sigkill',
  'ledger-sigstop',
];

export interface PlannedFault {
  kind: FaultKind;
  /** Which of the running ledgers (ledger faults), or which Kafka node (broker faults). */
  target: number;
  /** Quiet time before this fault starts. */
  gapMs: number;
}

/** Faults of the run's own processes, always possible (the others need a Kafka or PostgreSQL of the run's). */
const PROCESS_FAULTS: FaultKind[] = FAULT_KINDS.filter(
  (kind) => !/^(broker|coordinator|postgres)-/.test(kind),
);
const GAP_MS = { min: 2_000, max: 6_000 };
/** More than a run of any duration gets through; the runner stops starting faults at the end. */
const PLANNED = 40;

/**
 * The seeded fault schedule (of the `only` kinds, when given): a ledger killed in the middle of a
 * backlog first (the fault that
 * most surely lands inside a batch, so a short run shows what each delivery guarantee does with
 * it), then every kind once in a shuffled order, then random draws.
 * Broker faults only when the run owns a local Kafka cluster. With one broker its SIGKILL comes
 * once (the whole cluster crashes and recovers for a while); with three, any node may be
 * stopped or killed, one at a time, and `coordinator-sigkill` kills whichever node leads the
 * relay's transaction coordinator partition. PostgreSQL faults only when the run has a server of
 * its own: a clean restart, a crash (immediate shutdown, recovered from the WAL), every
 * connection taken by another client, and the server switched to read-only and back.
 */
export function planFaults(
  seed: number,
  { brokers, postgres, only }: { brokers: 0 | 1 | 3; postgres: boolean; only?: FaultKind[] },
): PlannedFault[] {
  const prng = new Prng(seed ^ 0x5eed);
  const repeatable: FaultKind[] = [...PROCESS_FAULTS];
  if (postgres) {
    repeatable.push(
      'postgres-restart',
      'postgres-crash',
      'postgres-connections',
      'postgres-read-only',
    );
  }
  const once: FaultKind[] = [];
  if (brokers === 1) {
    repeatable.push('broker-sigterm');
    once.push('broker-sigkill');
  } else if (brokers === 3) {
    repeatable.push('broker-sigterm', 'broker-sigkill', 'coordinator-sigkill');
  }
  const allowed = (kind: FaultKind): boolean => !only || only.includes(kind);
  const draws = repeatable.filter(allowed);
  const first: FaultKind[] = allowed('ledger-backlog-sigkill') ? ['ledger-backlog-sigkill'] : [];
  const kinds: FaultKind[] = [...first, ...prng.shuffle([...draws, ...once.filter(allowed)])];
  while (kinds.length < PLANNED && draws.length > 0) kinds.push(prng.pick(draws));
  return kinds.map((kind) => ({
    kind,
    target: prng.int(0, 2),
    gapMs: prng.int(GAP_MS.min, GAP_MS.max),
  }));
}
