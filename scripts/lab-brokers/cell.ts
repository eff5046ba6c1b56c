import { waitFor } from '../../test/infra/index.js';
import type { HoldProxy } from './hold-proxy.js';
import type { FaultKind, Mode } from './tally.js';
import type { Workload } from './workload.js';

/** What one cell's run recorded: the consumers' side effects and the faults really applied. */
export interface CellRun {
  processed: string[];
  faultsApplied: number;
  /** Why a planned fault could not apply (e.g. no confirm to lose), when that is so. */
  note?: string;
}

/** One system under test: started once, then one run per mode and fault. */
export interface BrokerLab {
  readonly system: string;
  readonly modes: readonly Mode[];
  start(): Promise<void>;
  run(mode: Mode, fault: FaultKind, workload: Workload): Promise<CellRun>;
  stop(): Promise<void>;
}

/**
 * The lost-response fault through a `HoldProxy`, once the publish it is aimed at has been sent
 * with the proxy holding: waits until the server holds `stored` messages (its own count), then
 * for the server's answer to reach the proxy, then cuts. True when an answer was dropped, i.e.
 * the server stored the message and the client never heard.
 */
export async function cutWhenStored(
  proxy: HoldProxy,
  storedCount: () => Promise<number>,
  stored: number,
): Promise<boolean> {
  try {
    await waitFor(async () => (await storedCount()) >= stored, {
      description: `the server to store message ${stored}`,
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    // A publisher that waits for no confirm gets none: give up on it after a short while.
    await waitFor(() => proxy.droppedBytes > 0, {
      description: 'the server to answer',
      timeoutMs: 500,
      intervalMs: 10,
    }).catch(() => undefined);
    return proxy.droppedBytes > 0;
  } catch {
    return false;
  } finally {
    proxy.cut();
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or a rejection after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
