/**
 * Named instants at which fault-injection tests kill the process with a real SIGKILL.
 *
 * `EOS_CRASH_AT=<name>[:<n>]` makes the n-th passage (default 1st) through `crashPoint(name)`
 * kill the process; unset, it does nothing. Tests use it to crash exactly between two steps
 * (e.g. after the Kafka commit and before the database update), which external kills at random
 * times reach only by luck.
 */
const [target, nth] = (process.env.EOS_CRASH_AT ?? '').split(':');
const crashOnPassage = Number(nth ?? 1);
let passages = 0;

export function crashPoint(name: string): void {
  if (!target || name !== target) return;
  passages += 1;
  if (passages === crashOnPassage) {
    process.stderr.write(`crash point ${name} (#${passages}): SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
