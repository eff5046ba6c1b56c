import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every common kernel build. */
const TICKS_PER_SECOND = 100;

/**
 * User plus system CPU seconds so far (0 once it is gone), from a `stat` file: /proc/<pid>/stat
 * for a process (its threads, live and exited, together), /proc/<pid>/task/<tid>/stat for one
 * thread.
 */
function cpuSeconds(statFile: string): number {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // The command name, in parentheses, may hold spaces: the fields that follow start after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

const processCpuSeconds = (pid: number): number => cpuSeconds(`/proc/${pid}/stat`);

/** The name of a process or thread (its `comm`), '' once it is gone. */
function nameOf(dir: string): string {
  try {
    return readFileSync(`${dir}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Each thread of a process: its id, name and CPU seconds so far. */
function threadsOf(pid: number): Array<{ tid: number; name: string; seconds: number }> {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.map((tid) => {
    const dir = `/proc/${pid}/task/${tid}`;
    return { tid: Number(tid), name: nameOf(dir), seconds: cpuSeconds(`${dir}/stat`) };
  });
}

/** The pids of every process whose command name is `name` (e.g. postgres, java). */
function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => nameOf(`/proc/${pid}`) === name);
}

/** What a CPU sample covers: named service processes, and every process with a command name. */
export interface CpuTargets {
  /** e.g. { payments: pid, relay: pid, ledger: pid } */
  services: Record<string, number | undefined>;
  /** e.g. { broker: 'java', postgresql: 'postgres' } */
  byCommand: Record<string, string>;
  /**
   * Threads split out of a command's processes by their name, e.g. { 'broker JIT': { command:
   * 'java', thread: /^C\d CompilerThre/ } }: counted under this name and not under the
   * command's. The command's processes are then sampled thread by thread too.
   */
  threads?: Record<string, { command: string; thread: RegExp }>;
}

/**
 * CPU seconds used so far, per target and per process (pid -> seconds), or per thread (tid ->
 * seconds) for a command with threads split out. Kept per process (or thread) so that one that
 * exits between two samples (a PostgreSQL backend, a jest worker) takes nothing away from the
 * others' time; what it used before it exited is not seen.
 */
export type CpuSample = Record<string, Map<number, number>>;

/** CPU seconds used so far by each target's processes. */
export function sampleCpu(targets: CpuTargets): CpuSample {
  const sample: CpuSample = {};
  for (const [name, pid] of Object.entries(targets.services)) {
    sample[name] = new Map(pid === undefined ? [] : [[pid, processCpuSeconds(pid)]]);
  }
  const splits = Object.entries(targets.threads ?? {});
  for (const [name, command] of Object.entries(targets.byCommand)) {
    const mine = splits.filter(([, split]) => split.command === command);
    if (mine.length === 0) {
      sample[name] = new Map(pidsNamed(command).map((pid) => [pid, processCpuSeconds(pid)]));
      continue;
    }
    // Thread by thread (thread ids are unique across processes): each to its split, or the rest.
    sample[name] = new Map();
    for (const [split] of mine) sample[split] = new Map();
    for (const pid of pidsNamed(command)) {
      for (const { tid, name: thread, seconds } of threadsOf(pid)) {
        const split = mine.find(([, { thread: pattern }]) => pattern.test(thread));
        sample[split ? split[0] : name]?.set(tid, seconds);
      }
    }
  }
  return sample;
}

/**
 * CPU seconds each target used between two samples, per unit of work (e.g. per transfer): for
 * each process alive at the second sample, its time since the first (all of it if it is new).
 */
export function cpuPer(before: CpuSample, after: CpuSample, units: number): Record<string, number> {
  const per: Record<string, number> = {};
  for (const [name, processes] of Object.entries(after)) {
    let seconds = 0;
    for (const [pid, end] of processes) {
      seconds += Math.max(0, end - (before[name]?.get(pid) ?? 0));
    }
    per[name] = seconds / units;
  }
  return per;
}
