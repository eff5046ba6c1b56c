import { Prng } from '../chaos/prng.js';

/** What every cell sends, and the messages its faults are aimed at. */
export interface Workload {
  seed: number;
  /** Unique message ids, in the order they are published. */
  ids: string[];
  /** The ids a fault is injected at, chosen by the seed. */
  faultIds: Set<string>;
}

/**
 * `messages` ids and `faults` distinct fault positions, none in the first or last tenth (a fault
 * there would be at the edge of the run, where a cut can race the start or the end).
 */
export function makeWorkload(seed: number, messages: number, faults: number): Workload {
  const ids = Array.from({ length: messages }, (_, i) => `m${seed}-${String(i).padStart(6, '0')}`);
  const prng = new Prng(seed);
  const margin = Math.max(1, Math.floor(messages / 10));
  const candidates = ids.slice(margin, messages - margin);
  const faultIds = new Set(prng.shuffle(candidates).slice(0, faults));
  return { seed, ids, faultIds };
}
