import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every common kernel build. */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds of a process so far (0 once it is gone), from /proc/<pid>/stat. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: the fields that follow start after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pids of every process whose command name is `name` (e.g. postgres, java). */
function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    });
}

/** What a CPU sample covers: named service processes, and every process with a command name. */
export interface CpuTargets {
  /** e.g. { payments: pid, relay: pid, ledger: pid } */
  services: Record<string, number | undefined>;
  /** e.g. { broker: 'java', postgresql: 'postgres' } */
  byCommand: Record<string, string>;
}

/**
 * CPU seconds used so far, per target and per process (pid -> seconds). Kept per process so that
 * a process that exits between two samples (a PostgreSQL backend, a jest worker) takes nothing
 * away from the others' time; what it used before it exited is not seen.
 */
export type CpuSample = Record<string, Map<number, number>>;

/** CPU seconds used so far by each target's processes. */
export function sampleCpu(targets: CpuTargets): CpuSample {
  const sample: CpuSample = {};
  for (const [name, pid] of Object.entries(targets.services)) {
    sample[name] = new Map(pid === undefined ? [] : [[pid, processCpuSeconds(pid)]]);
  }
  for (const [name, command] of Object.entries(targets.byCommand)) {
    sample[name] = new Map(pidsNamed(command).map((pid) => [pid, processCpuSeconds(pid)]));
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
