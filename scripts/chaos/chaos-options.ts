import { randomInt } from 'node:crypto';
import { deliveryGuarantees, type DeliveryGuarantee } from '#kafka-eos';
import { FAULT_KINDS, LIVENESS_FAULTS, type FaultKind } from './fault-schedule.js';

export interface ChaosOptions {
  seed: number;
  durationS: number;
  /** The ledgers' DELIVERY_GUARANTEE; anything but exactly-once is expected to break checks. */
  guarantee: DeliveryGuarantee;
  /** Kafka nodes: 1, or 3 (replication factor 3, min.insync.replicas 2, bounced one at a time). */
  brokers: 1 | 3;
  /** Only these kinds of fault (default: every kind the run's infrastructure allows). */
  faultKinds?: FaultKind[];
}

/**
 * `--seed N` (default: random), `--duration-s S` (default: 60), `--guarantee G` (default:
 * exactly-once), `--brokers 1|3` (default: 1) and `--faults kind,kind…` or `--faults liveness`
 * (default: every kind).
 */
export function parseChaosOptions(argv: string[]): ChaosOptions {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(value('--seed') ?? randomInt(1, 2 ** 31));
  const durationS = Number(value('--duration-s') ?? 60);
  const guarantee = (value('--guarantee') ?? 'exactly-once') as DeliveryGuarantee;
  const brokers = Number(value('--brokers') ?? 1);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be an integer ≥ 0`);
  if (!(durationS > 0)) throw new Error(`--duration-s must be a positive number`);
  if (!(deliveryGuarantees as readonly string[]).includes(guarantee))
    throw new Error(`--guarantee must be one of ${deliveryGuarantees.join(', ')}`);
  if (brokers !== 1 && brokers !== 3) throw new Error(`--brokers must be 1 or 3`);
  const listed = value('--faults');
  const faults = (listed === 'liveness' ? LIVENESS_FAULTS : listed?.split(',')) as
    FaultKind[] | undefined;
  const unknown = faults?.filter((f) => !(FAULT_KINDS as readonly string[]).includes(f)) ?? [];
  if (unknown.length > 0 || faults?.length === 0) {
    throw new Error(
      `--faults takes a list of ${FAULT_KINDS.join(', ')}; unknown: ${unknown.join()}`,
    );
  }
  return { seed, durationS, guarantee, brokers, ...(faults && { faultKinds: faults }) };
}
