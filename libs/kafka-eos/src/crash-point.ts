/**
 * Named instants at which fault-injection tests stop the process with a real signal.
 *
 * `EOS_CRASH_AT=<name>[:<n>]` kills the process (SIGKILL) on the n-th passage (default 1st)
 * through `crashPoint(name)`; `EOS_PAUSE_AT=<name>[:<n>]` freezes it there (SIGSTOP), as a
 * long GC pause or a stalled VM would, until someone sends SIGCONT: a zombie. Unset, both do
 * nothing. External signals at random times reach such instants only by luck.
 */
const triggers = [
  parse(process.env.EOS_CRASH_AT, 'SIGKILL'),
  parse(process.env.EOS_PAUSE_AT, 'SIGSTOP'),
];
const passages = new Map<string, number>();

function parse(
  spec: string | undefined,
  signal: NodeJS.Signals,
): { name: string; nth: number; signal: NodeJS.Signals } | undefined {
  if (!spec) return undefined;
  const [name = '', nth] = spec.split(':');
  return { name, nth: Number(nth ?? 1), signal };
}

export function crashPoint(name: string): void {
  for (const trigger of triggers) {
    if (trigger?.name !== name) continue;
    const count = (passages.get(`${trigger.signal}:${name}`) ?? 0) + 1;
    passages.set(`${trigger.signal}:${name}`, count);
    if (count === trigger.nth) {
      process.stderr.write(`crash point ${name} (#${count}): ${trigger.signal}\n`);
      process.kill(process.pid, trigger.signal);
    }
  }
}
