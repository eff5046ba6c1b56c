import pg from 'pg';

/**
 * Wakes the relay when an outbox insert commits (LISTEN outbox; the trigger NOTIFYs). It only
 * shortens the wait: the relay also polls, so a notification lost while this connection is
 * down delays a row by at most one poll interval and loses nothing.
 */
export class OutboxNotifications {
  private client?: pg.Client;
  private waiter?: () => void;
  private pending = false;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async open(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'payments-relay-listen',
    });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.onError(error);
      void this.reopen(client);
    });
    await client.connect();
    await client.query('listen outbox');
    this.client = client;
  }

  /** Resolves on the next notification (or one that came since the last wait), or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }

  /** Ends the current wait now (used on shutdown). */
  wake(): void {
    if (this.waiter) this.waiter();
    else this.pending = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.client?.end().catch(() => undefined);
  }

  private async reopen(broken: pg.Client): Promise<void> {
    await broken.end().catch(() => undefined);
    if (this.closed) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await this.open().catch((error: unknown) => {
      this.onError(error);
      void this.reopen(broken);
    });
  }
}
