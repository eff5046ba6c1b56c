import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Kafka API keys the faults are usually aimed at. */
export const KafkaApiKey = { produce: 0, fetch: 1, endTxn: 26 } as const;

type Fault = { kind: 'swallow' } | { kind: 'delay'; ms: number };

/**
 * A TCP proxy in front of one Kafka broker that can, on command, make the client miss what the
 * broker did: swallow the response to a request (the broker wrote the records, the client never
 * hears and retries), hold a response back past the client's request timeout, or cut every
 * connection. It reads Kafka's framing (a 4-byte size before each message; a request header starts
 * with its API key and correlation id, a response with the correlation id) and forwards every byte
 * unchanged otherwise. The broker must advertise the proxy's address for a client to keep using it.
 */
export class KafkaFaultProxy {
  private readonly sockets = new Set<Socket>();
  /** Per API key: the faults armed for its next requests, each for `remaining` of them. */
  private readonly armed = new Map<number, Array<{ fault: Fault; remaining: number }>>();
  /** Faults applied so far, by kind. */
  readonly applied = { swallowed: 0, delayed: 0, cut: 0 };

  private readonly server: Server;
  private listening = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(
    target: { host: string; port: number },
    listenPort = 0,
  ): Promise<KafkaFaultProxy> {
    const proxy = new KafkaFaultProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(listenPort, '127.0.0.1', () => resolve());
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

  /**
   * The responses to the next `count` requests with `apiKey` never reach the client
   * (`Infinity`: every one until `disarm`).
   */
  swallowResponses(apiKey: number, count = 1): void {
    this.arm(apiKey, count, { kind: 'swallow' });
  }

  /** The responses to the next `count` requests with `apiKey` wait `ms` (and all after them). */
  delayResponses(apiKey: number, ms: number, count = 1): void {
    this.arm(apiKey, count, { kind: 'delay', ms });
  }

  /** Drops every fault armed and not yet used; responses already held back still come late. */
  disarm(): void {
    this.armed.clear();
  }

  /** Closes every connection through the proxy now; new ones are accepted as before. */
  cutConnections(): void {
    for (const socket of this.sockets) {
      socket.destroy();
      this.applied.cut++;
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private arm(apiKey: number, count: number, fault: Fault): void {
    const queue = this.armed.get(apiKey) ?? [];
    queue.push({ fault, remaining: count });
    this.armed.set(apiKey, queue);
  }

  /** The fault for the next request with `apiKey`, if one is armed (and counts it used). */
  private take(apiKey: number): Fault | undefined {
    const queue = this.armed.get(apiKey);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    if (--next.remaining <= 0) queue.shift();
    return next.fault;
  }

  private relay(client: Socket): void {
    const broker = createConnection(this.target);
    this.sockets.add(client).add(broker);
    // Per connection: the fault each correlation id's response gets.
    const pending = new Map<number, Fault>();
    const close = () => {
      client.destroy();
      broker.destroy();
      this.sockets.delete(client);
      this.sockets.delete(broker);
    };
    client.on('error', close).on('close', close);
    broker.on('error', close).on('close', close);

    client.on(
      'data',
      frames((frame) => {
        const apiKey = frame.readInt16BE(4);
        const fault = this.take(apiKey);
        if (fault) pending.set(frame.readInt32BE(8), fault);
        broker.write(frame);
      }),
    );
    // Responses leave in the order they came; a delayed one holds back those behind it.
    let sending = Promise.resolve();
    broker.on(
      'data',
      frames((frame) => {
        const correlationId = frame.readInt32BE(4);
        const fault = pending.get(correlationId);
        pending.delete(correlationId);
        if (fault?.kind === 'swallow') {
          this.applied.swallowed++;
          return;
        }
        sending = sending.then(async () => {
          if (fault?.kind === 'delay') {
            this.applied.delayed++;
            await new Promise((resolve) => setTimeout(resolve, fault.ms));
          }
          if (!client.destroyed) client.write(frame);
        });
      }),
    );
  }
}

/** Splits a byte stream into whole Kafka frames (size prefix included), across chunks. */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < 4 + size) return;
      onFrame(buffered.subarray(0, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  };
}
