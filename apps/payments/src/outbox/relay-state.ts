import type { Gauge } from 'prom-client';

/**
 * - `stopped`: not running (relay off in this process, or shut down);
 * - `standby`: waiting for the lease another instance holds (or for the database to answer);
 * - `active`: holds the lease and publishes;
 * - `fenced`: another instance took the transactional id although this one held the lease
 *   (another deployment configured with the same id): it stopped publishing for good;
 * - `failed`: a topic it writes to cannot keep what it would publish (fewer replicas than
 *   configured): it never published, and its process does not run on.
 */
export type RelayState = 'stopped' | 'standby' | 'active' | 'fenced' | 'failed';

const RELAY_STATES: readonly RelayState[] = ['stopped', 'standby', 'active', 'fenced', 'failed'];

/** Which state may follow which; anything else is a bug in the relay's loop. */
const VALID_TRANSITIONS: Record<RelayState, readonly RelayState[]> = {
  stopped: ['standby'],
  standby: ['active', 'stopped'],
  active: ['standby', 'fenced', 'failed', 'stopped'],
  fenced: [],
  failed: [],
};

/** The relay's state, mirrored in the `relay_state` gauge (1 for the current state, 0 else). */
export class RelayStatus {
  private current: RelayState = 'stopped';

  constructor(private readonly gauge: Gauge<'state'>) {
    this.publish();
  }

  get state(): RelayState {
    return this.current;
  }

  to(next: RelayState): void {
    if (!VALID_TRANSITIONS[this.current].includes(next)) {
      throw new Error(`relay state ${this.current} cannot become ${next}`);
    }
    this.current = next;
    this.publish();
  }

  private publish(): void {
    for (const state of RELAY_STATES) this.gauge.set({ state }, state === this.current ? 1 : 0);
  }
}
