import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { waitFor } from '../../test/infra/wait-for.js';
import { HoldProxy } from './hold-proxy.js';

/** A server that answers every chunk with "ok:<chunk>" and counts what it received. */
async function echoServer(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      received.push(chunk.toString());
      socket.write(`ok:${chunk.toString()}`);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, received };
}

describe('HoldProxy', () => {
  it('passes bytes both ways, drops the answers while holding, and cuts the connection', async () => {
    const echo = await echoServer();
    const proxy = await HoldProxy.start({ host: '127.0.0.1', port: echo.port });
    const answers: string[] = [];
    let closed = false;
    const client: Socket = createConnection({ host: '127.0.0.1', port: proxy.port });
    client.on('data', (chunk) => answers.push(chunk.toString()));
    client.on('close', () => (closed = true)).on('error', () => undefined);
    try {
      client.write('a');
      await waitFor(() => answers.join('') === 'ok:a', {
        description: 'answer a',
        timeoutMs: 2_000,
      });

      proxy.hold();
      client.write('b');
      // The server got it and answered; the client heard nothing.
      await waitFor(() => proxy.droppedBytes === 'ok:b'.length, {
        description: 'the answer to b dropped',
        timeoutMs: 2_000,
      });
      expect(echo.received.join('')).toBe('ab');
      expect(answers.join('')).toBe('ok:a');

      proxy.cut();
      await waitFor(() => closed, { description: 'the client cut', timeoutMs: 2_000 });
      expect(proxy.cuts).toBe(1);
    } finally {
      client.destroy();
      await proxy.close();
      await new Promise((resolve) => echo.server.close(resolve));
    }
  });
});
