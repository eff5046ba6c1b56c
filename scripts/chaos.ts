/**
 * `npm run test:chaos [-- --seed N --duration-s S]`: the whole pipeline as real processes under
 * concurrent transfers while a seeded schedule kills, stops and freezes ledgers, kills payments
 * (and its embedded relay) and restarts the Kafka broker; then it drains and checks that nothing
 * was lost, duplicated or unbalanced. Seed, schedule and history go to .chaos/run-<seed>.json.
 * Exit code 1 when a check fails (or the run cannot complete).
 */
import { parseChaosOptions } from './chaos/chaos-options.js';
import { runChaos } from './chaos/run-chaos.js';

const options = parseChaosOptions(process.argv.slice(2));
console.log(`[chaos] seed ${options.seed} (replay with --seed ${options.seed})`);
runChaos(options).then(
  ({ ok }) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(`[chaos] run aborted (seed ${options.seed}):`, error);
    process.exit(1);
  },
);
