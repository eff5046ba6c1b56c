import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { rowsWaitingAfter } from './fetch-outbox-batch.js';
import { findHorizonHolder, type HorizonHolder } from './horizon-holder.js';
import type { RelayPosition } from './relay-position.js';

/** How often the same holder is named again in the log while it holds the relay back. */
const WARNING_INTERVAL_MS = 30_000;

/** Why the relay publishes nothing although rows wait (shown in /health/ready). */
export interface RelayStall {
  /** How long the oldest waiting row has waited. */
  waitingSeconds: number;
  rows: number;
  /** The cluster's xmin horizon: the relay reads only rows of transactions below it. */
  horizon: string;
  /** The transaction at the horizon; absent when this role cannot see it. */
  holder?: HorizonHolder;
}

/**
 * Tells a relay with nothing to do from one held back. The relay reads only rows whose
 * transaction id is below the oldest transaction still running anywhere in the PostgreSQL
 * cluster; one forgotten open transaction (any database, any client, once it has a transaction
 * id) stops publishing until it ends. When the read finds nothing while committed rows older than
 * `thresholdMs` wait, this names the transaction at the horizon: a warning (again when the holder
 * changes, else every 30 s), the `relay_stalled_seconds` and `relay_horizon_holder_pid` gauges,
 * and `current` for the readiness details. Checked at most every quarter of the threshold, and
 * never fails the relay: it only explains.
 */
export class RelayStallWatch {
  private lastCheck = -Infinity;
  private lastWarning = -Infinity;
  private stall?: RelayStall;

  constructor(
    private readonly db: DataSource,
    private readonly thresholdMs: number,
    private readonly logger: LoggerService,
    private readonly metrics: Pick<
      PaymentsMetrics,
      'relayStalledSeconds' | 'relayHorizonHolderPid'
    >,
  ) {}

  get current(): RelayStall | undefined {
    return this.stall;
  }

  /** The relay's read found nothing after `position`. */
  async readNothing(position: RelayPosition): Promise<void> {
    const now = performance.now();
    if (now - this.lastCheck < this.thresholdMs / 4) return;
    this.lastCheck = now;
    try {
      const waiting = await rowsWaitingAfter(this.db, position);
      if (waiting.count === 0 || waiting.oldestAgeMs < this.thresholdMs) return this.readRows();
      const { horizon, holder } = await findHorizonHolder(this.db);
      const changed = !this.stall || holder?.pid !== this.stall.holder?.pid;
      this.stall = { waitingSeconds: waiting.oldestAgeMs / 1_000, rows: waiting.count, horizon };
      if (holder) this.stall.holder = holder;
      this.metrics.relayStalledSeconds.set(this.stall.waitingSeconds);
      this.metrics.relayHorizonHolderPid.set(holder?.pid ?? 0);
      if (changed || now - this.lastWarning >= WARNING_INTERVAL_MS) {
        this.lastWarning = now;
        this.logger.warn(describeStall(this.stall));
      }
    } catch (error) {
      this.logger.warn(`relay stall check failed: ${String(error)}`);
    }
  }

  /** The relay read rows: nothing holds it back (any more). */
  readRows(): void {
    if (this.stall) this.logger.log('relay no longer held back: the horizon moved past its rows');
    this.forget();
  }

  /** The relay stopped publishing (standby, fenced, shut down): it reports nothing. */
  forget(): void {
    this.stall = undefined;
    this.metrics.relayStalledSeconds.set(0);
    this.metrics.relayHorizonHolderPid.set(0);
  }
}

function describeStall({ waitingSeconds, rows, horizon, holder }: RelayStall): string {
  const waiting = `relay held back: ${rows} outbox rows waiting, the oldest for ${Math.round(waitingSeconds)} s, above the xmin horizon ${horizon}`;
  if (!holder) {
    return `${waiting}; the transaction at the horizon is not visible to this role (grant it pg_read_all_stats to see it)`;
  }
  const who = holder.preparedGid
    ? `prepared transaction '${holder.preparedGid}' on database ${holder.database}, owner ${holder.user}, prepared ${holder.xactStart}`
    : `pid ${holder.pid} on database ${holder.database}, user ${holder.user}, application_name '${holder.applicationName ?? ''}', state '${holder.state}', transaction started ${holder.xactStart}, query: ${holder.query}`;
  return `${waiting}; the oldest running transaction is ${who}. Rows are published once it ends.`;
}
