/**
 * One library client's connect and disconnect, one after the other. The library's `disconnect()`
 * returns at once when a `connect()` is still under way, and that connection then stays open
 * (with librdkafka's threads, which keep the process alive): here a disconnect waits for the
 * connect it follows. A connect that fails releases what it made, as the port expects (a caller
 * does not disconnect what did not connect).
 */
export class Connection {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: { connect(): Promise<void>; disconnect(): Promise<void> }) {}

  connect(): Promise<void> {
    const connecting = this.pending.then(() =>
      this.client.connect().catch(async (error: unknown) => {
        await this.client.disconnect().catch(() => undefined);
        throw error;
      }),
    );
    this.pending = connecting.catch(() => undefined);
    return connecting;
  }

  disconnect(): Promise<void> {
    const disconnecting = this.pending.then(() => this.client.disconnect());
    this.pending = disconnecting.catch(() => undefined);
    return disconnecting;
  }
}
