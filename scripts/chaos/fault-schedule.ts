import { Prng } from './prng.js';

export type FaultKind =
  | 'ledger-sigkill'
  | 'ledger-sigterm'
  | 'ledger-sigstop'
  | 'ledger-scale'
  | 'ledger-backlog-sigkill'
  | 'payments-sigkill'
  | 'payments-sigterm'
  | 'relay-sigkill'
  | 'relay-sigterm'
  | 'broker-sigterm'
  | 'broker-sigkill'
  | 'coordinator-sigkill'
  | 'postgres-restart'
  | 'postgres-crash';

export interface PlannedFault {
  kind: FaultKind;
  /** Which of the running ledgers (ledger faults), or which Kafka node (broker faults). */
  target: number;
  /** Quiet time before this fault starts. */
  gapMs: number;
}

const PROCESS_FAULTS: FaultKind[] = [
  'ledger-sigkill',
  'ledger-sigterm',
  'ledger-sigstop',
  'ledger-scale',
  'ledger-backlog-sigkill',
  'payments-sigkill',
  'payments-sigterm',
  'relay-sigkill',
  'relay-sigterm',
];
const GAP_MS = { min: 2_000, max: 6_000 };
/** More than a run of any duration gets through; the runner stops starting faults at the end. */
const PLANNED = 40;

/**
 * The seeded fault schedule: a ledger killed in the middle of a backlog first (the fault that
 * most surely lands inside a batch, so a short run shows what each delivery guarantee does with
 * it), then every kind once in a shuffled order, then random draws.
 * Broker faults only when the run owns a local Kafka cluster. With one broker its SIGKILL comes
 * once (the whole cluster crashes and recovers for a while); with three, any node may be
 * stopped or killed, one at a time, and `coordinator-sigkill` kills whichever node leads the
 * relay's transaction coordinator partition. PostgreSQL faults only when the run has a server of
 * its own: a clean restart, and a crash (immediate shutdown, recovered from the WAL).
 */
export function planFaults(
  seed: number,
  { brokers, postgres }: { brokers: 0 | 1 | 3; postgres: boolean },
): PlannedFault[] {
  const prng = new Prng(seed ^ 0x5eed);
  const repeatable: FaultKind[] = [...PROCESS_FAULTS];
  if (postgres) repeatable.push('postgres-restart', 'postgres-crash');
  const once: FaultKind[] = [];
  if (brokers === 1) {
    repeatable.push('broker-sigterm');
    once.push('broker-sigkill');
  } else if (brokers === 3) {
    repeatable.push('broker-sigterm', 'broker-sigkill', 'coordinator-sigkill');
  }
  const kinds: FaultKind[] = ['ledger-backlog-sigkill', ...prng.shuffle([...repeatable, ...once])];
  while (kinds.length < PLANNED) kinds.push(prng.pick(repeatable));
  return kinds.map((kind) => ({
    kind,
    target: prng.int(0, 2),
    gapMs: prng.int(GAP_MS.min, GAP_MS.max),
  }));
}
