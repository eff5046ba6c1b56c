import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between a client and a server that can, on command, stop passing the server's
 * bytes to the client (the server still gets everything the client sends) and cut every
 * connection. Used to lose a publish confirm: hold, wait until the server has stored the
 * message, cut. It knows no protocol, so it counts bytes, not confirms.
 */
export class HoldProxy {
  private readonly sockets = new Set<Socket>();
  private holding = false;
  private dropped = 0;
  /** Connections cut so far. */
  cuts = 0;

  private readonly server: Server;
  private listening = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(target: { host: string; port: number }): Promise<HoldProxy> {
    const proxy = new HoldProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no port');
    proxy.listening = address.port;
    return proxy;
  }

  /** The port clients connect to (on 127.0.0.1). */
  get port(): number {
    return this.listening;
  }

  /** From now until the next cut, the server's bytes are dropped instead of passed on. */
  hold(): void {
    this.holding = true;
    this.dropped = 0;
  }

  /** Bytes of the server's dropped since `hold()`. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** Closes every connection through the proxy and stops holding; new ones pass as usual. */
  cut(): void {
    this.holding = false;
    for (const socket of this.sockets) socket.destroy();
    this.cuts++;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = createConnection(this.target);
    this.sockets.add(client).add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) socket.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (this.holding) this.dropped += chunk.length;
      else client.write(chunk);
    });
  }
}
