import { Prng } from './prng.js';

export type FaultKind =
  | 'ledger-sigkill'
  | 'ledger-sigterm'
  | 'ledger-sigstop'
  | 'payments-sigkill'
  | 'broker-sigterm'
  | 'broker-sigkill';

export interface PlannedFault {
  kind: FaultKind;
  /** Which of the running ledgers (ledger faults only). */
  ledgerIndex: number;
  /** Quiet time before this fault starts. */
  gapMs: number;
}

const PROCESS_FAULTS: FaultKind[] = [
  'ledger-sigkill',
  'ledger-sigterm',
  'ledger-sigstop',
  'payments-sigkill',
];
const GAP_MS = { min: 2_000, max: 6_000 };
/** More than a run of any duration gets through; the runner stops starting faults at the end. */
const PLANNED = 40;

/**
 * The seeded fault schedule: every kind once first, in a shuffled order, then random draws
 * (broker restarts only when the run owns a local Kafka cluster; the SIGKILL of the broker only
 * once, since a single broker's crash takes everything down with it).
 */
export function planFaults(seed: number, brokerFaults: boolean): PlannedFault[] {
  const prng = new Prng(seed ^ 0x5eed);
  const repeatable: FaultKind[] = brokerFaults
    ? [...PROCESS_FAULTS, 'broker-sigterm']
    : PROCESS_FAULTS;
  const first: FaultKind[] = brokerFaults ? [...repeatable, 'broker-sigkill'] : repeatable;
  const kinds = [...prng.shuffle(first)];
  while (kinds.length < PLANNED) kinds.push(prng.pick(repeatable));
  return kinds.map((kind) => ({
    kind,
    ledgerIndex: prng.int(0, 1),
    gapMs: prng.int(GAP_MS.min, GAP_MS.max),
  }));
}
