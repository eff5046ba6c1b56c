import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { KafkaApiKey, KafkaFaultProxy } from './kafka-fault-proxy.js';

/** A Kafka request frame: size, API key, version, correlation id, then a body. */
function request(apiKey: number, correlationId: number, body = 'x'): Buffer {
  const payload = Buffer.alloc(8 + body.length);
  payload.writeInt16BE(apiKey, 0);
  payload.writeInt16BE(0, 2);
  payload.writeInt32BE(correlationId, 4);
  payload.write(body, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** A stand-in broker: it answers every request with a frame holding its correlation id. */
async function fakeBroker(): Promise<{ server: Server; port: number; seen: number[] }> {
  const seen: number[] = [];
  const server = createServer((socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const correlationId = buffered.readInt32BE(8);
        seen.push(correlationId);
        buffered = buffered.subarray(4 + buffered.readInt32BE(0));
        const response = Buffer.alloc(8);
        response.writeInt32BE(4, 0);
        response.writeInt32BE(correlationId, 4);
        socket.write(response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, seen };
}

/** The correlation ids of the responses a client receives. */
function responses(socket: Socket): number[] {
  const ids: number[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8) {
      ids.push(buffered.readInt32BE(4));
      buffered = buffered.subarray(8);
    }
  });
  return ids;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('KafkaFaultProxy', () => {
  let broker: Awaited<ReturnType<typeof fakeBroker>>;
  let proxy: KafkaFaultProxy;
  let client: Socket;
  let received: number[];

  beforeEach(async () => {
    broker = await fakeBroker();
    proxy = await KafkaFaultProxy.start({ host: '127.0.0.1', port: broker.port });
    client = createConnection({ host: '127.0.0.1', port: proxy.port });
    received = responses(client);
    await new Promise((resolve) => client.once('connect', resolve));
  });
  afterEach(async () => {
    client.destroy();
    await proxy.close();
    await new Promise((resolve) => broker.server.close(resolve));
  });

  it('forwards requests and responses unchanged, frames split across chunks', async () => {
    const bytes = Buffer.concat([request(KafkaApiKey.produce, 1), request(KafkaApiKey.fetch, 2)]);
    for (const byte of bytes) client.write(Buffer.from([byte]));
    await until(() => received.length === 2, 'two responses');
    expect(received).toEqual([1, 2]);
    expect(broker.seen).toEqual([1, 2]);
  });

  it('swallows the response to the next request of one API key: the broker saw it, the client never hears', async () => {
    proxy.swallowResponses(KafkaApiKey.produce);
    client.write(request(KafkaApiKey.fetch, 1));
    client.write(request(KafkaApiKey.produce, 2));
    client.write(request(KafkaApiKey.produce, 3));
    await until(() => received.length === 2, 'the unswallowed responses');
    expect(received).toEqual([1, 3]);
    expect(broker.seen).toEqual([1, 2, 3]);
    expect(proxy.applied.swallowed).toBe(1);
  });

  it('swallows every response of an API key until disarmed, then forwards them again', async () => {
    proxy.swallowResponses(KafkaApiKey.fetch, Infinity);
    for (let id = 1; id <= 5; id++) client.write(request(KafkaApiKey.fetch, id));
    client.write(request(KafkaApiKey.produce, 6));
    await until(() => received.length === 1, 'the produce response');
    expect(broker.seen).toEqual([1, 2, 3, 4, 5, 6]);
    proxy.disarm();
    client.write(request(KafkaApiKey.fetch, 7));
    await until(() => received.length === 2, 'the fetch response after disarm');
    expect(received).toEqual([6, 7]);
    expect(proxy.applied.swallowed).toBe(5);
  });

  it('holds a response back, and those behind it, for the delay', async () => {
    proxy.delayResponses(KafkaApiKey.produce, 300);
    const sent = Date.now();
    client.write(request(KafkaApiKey.produce, 1));
    client.write(request(KafkaApiKey.fetch, 2));
    await until(() => received.length === 2, 'both responses');
    expect(Date.now() - sent).toBeGreaterThanOrEqual(290);
    expect(received).toEqual([1, 2]);
    expect(proxy.applied.delayed).toBe(1);
  });

  it('cuts every connection on command, and accepts new ones', async () => {
    const closed = new Promise((resolve) => client.once('close', resolve));
    proxy.cutConnections();
    await closed;
    const again = createConnection({ host: '127.0.0.1', port: proxy.port });
    const answers = responses(again);
    again.write(request(KafkaApiKey.produce, 7));
    await until(() => answers.length === 1, 'a response on a new connection');
    expect(answers).toEqual([7]);
    again.destroy();
  });
});
