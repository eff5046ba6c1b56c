import { createHash } from 'node:crypto';
import pg from 'pg';
import { delay } from '#kafka-eos';

/**
 * The advisory lock key of a transactional id: the first 8 bytes of its SHA-256 as a signed
 * 64-bit integer (what `pg_try_advisory_lock(bigint)` takes). Shown in `pg_locks` as
 * `classid` (high 32 bits) and `objid` (low 32 bits), with `objsubid = 1`.
 */
export function leaseKey(transactionalId: string): string {
  const digest = createHash('sha256').update(`payments-outbox-relay:${transactionalId}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/** The lease was lost while this instance was publishing: stop before the next step. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor() {
    super('the relay lost its lease');
  }
}

export interface RelayLeaseOptions {
  databaseUrl: string;
  transactionalId: string;
  /** How often a standby instance tries to take the lease. */
  retryMs: number;
  /** How long a holder that stopped answering (frozen, gone) keeps the lease. */
  timeoutMs: number;
  onError(error: unknown): void;
}

/**
 * Which of several relays with one transactional id publishes: whoever holds a PostgreSQL
 * session-level advisory lock on `leaseKey(transactionalId)`, on a connection of its own. The lock
 * lives exactly as long as that session, so it is released when the holder's process dies (its
 * socket closes), when its connection is killed, and when the database restarts; whoever polls
 * next takes it.
 *
 * Two server-side bounds end the session of a holder that cannot close it itself:
 * `idle_session_timeout` for a holder that stopped sending its heartbeat (a frozen process, whose
 * kernel still answers TCP), and TCP keepalives plus `tcp_user_timeout` for a host that vanished.
 * Both are set to about `timeoutMs`, and the holder sends a heartbeat every quarter of it.
 *
 * The lease says who should publish; it cannot promise that nobody else does for a moment (a
 * holder may not yet have seen its session end when a standby takes over). Kafka's fencing covers
 * that moment: the new holder's producer start bumps the epoch, and the old holder's next
 * transaction fails instead of committing.
 */
export class RelayLease {
  readonly key: string;
  private client?: pg.Client;
  private held?: AbortController;
  private heartbeat?: NodeJS.Timeout;
  private beating = false;
  private closed = false;

  constructor(private readonly options: RelayLeaseOptions) {
    this.key = leaseKey(options.transactionalId);
  }

  /**
   * Tries to take the lease every `retryMs` until it succeeds or `signal` aborts. Returns a signal
   * that aborts when the lease is lost, or undefined when `signal` aborted first.
   */
  async acquire(signal: AbortSignal): Promise<AbortSignal | undefined> {
    while (!signal.aborted && !this.closed) {
      try {
        const client = this.client ?? (await this.connect());
        const { rows } = await client.query<{ acquired: boolean }>(
          'select pg_try_advisory_lock($1::bigint) as acquired',
          [this.key],
        );
        if (rows[0]?.acquired) return this.hold(client);
      } catch (error) {
        this.options.onError(error);
        void this.lose(this.client);
      }
      await delay(this.options.retryMs, signal);
    }
    return undefined;
  }

  /**
   * True when this instance still holds the lease: its session answers. Asked when the relay's
   * producer was fenced, to tell a lost lease (a standby took over: stand by) from another
   * deployment using the same transactional id (stop).
   */
  async check(): Promise<boolean> {
    const client = this.client;
    if (!this.held || !client) return false;
    try {
      await client.query('select 1');
      return true;
    } catch (error) {
      this.options.onError(error);
      void this.lose(client);
      return false;
    }
  }

  /** Ends the session, which releases the lock (waiting a moment for the server to see it). */
  async close(): Promise<void> {
    this.closed = true;
    const ended = this.lose(this.client);
    await Promise.race([ended, delay(1_000)]);
  }

  private async connect(): Promise<pg.Client> {
    const { databaseUrl, timeoutMs } = this.options;
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: 'payments-relay-lease',
      connectionTimeoutMillis: timeoutMs,
      // A query that does not come back in time means the session cannot be trusted either.
      query_timeout: timeoutMs,
    });
    client.on('error', (error) => {
      this.options.onError(error);
      void this.lose(client);
    });
    client.on('end', () => void this.lose(client));
    try {
      await client.connect();
      const seconds = (fraction: number): string =>
        String(Math.max(1, Math.round((timeoutMs * fraction) / 1_000)));
      // Server-side bounds of this session (see the class comment): idle for timeoutMs, or
      // keepalives unanswered for about timeoutMs (half idle, then 5 probes over the other
      // half), or sent data unacknowledged for timeoutMs. Keepalive settings are ignored on a
      // Unix socket, where a vanished peer cannot happen.
      await client.query(
        `select set_config('idle_session_timeout', $1, false),
                set_config('tcp_keepalives_idle', $2, false),
                set_config('tcp_keepalives_interval', $3, false),
                set_config('tcp_keepalives_count', '5', false),
                set_config('tcp_user_timeout', $1, false)`,
        [String(timeoutMs), seconds(0.5), seconds(0.1)],
      );
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  private hold(client: pg.Client): AbortSignal {
    this.held = new AbortController();
    this.heartbeat = setInterval(() => void this.beat(client), this.options.timeoutMs / 4);
    this.heartbeat.unref();
    return this.held.signal;
  }

  /** Keeps the session from going idle; a heartbeat that fails loses the lease. */
  private async beat(client: pg.Client): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      await client.query('select 1');
    } catch (error) {
      this.options.onError(error);
      void this.lose(client);
    } finally {
      this.beating = false;
    }
  }

  /** Forgets `client` (if it is the current one): the lease, if held, is lost with it. */
  private lose(client: pg.Client | undefined): Promise<void> {
    if (!client || client !== this.client) return Promise.resolve();
    this.client = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const held = this.held;
    this.held = undefined;
    held?.abort(new LeaseLostError());
    // Ending it closes the session if the server has not already, releasing the lock. Not
    // waited for: on a connection to a vanished host it would not resolve for minutes.
    return client.end().catch(() => undefined);
  }
}
