import { randomInt } from 'node:crypto';

export interface ChaosOptions {
  seed: number;
  durationS: number;
}

/** `--seed N` (default: random) and `--duration-s S` (default: 60). */
export function parseChaosOptions(argv: string[]): ChaosOptions {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(value('--seed') ?? randomInt(1, 2 ** 31));
  const durationS = Number(value('--duration-s') ?? 60);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be an integer ≥ 0`);
  if (!(durationS > 0)) throw new Error(`--duration-s must be a positive number`);
  return { seed, durationS };
}
