import { connect } from 'node:net';

/** A request written byte for byte: any target, any headers (repeated, odd case), any body. */
export interface RawRequest {
  method: string;
  /** The request target as sent, e.g. `/transfers?a=1`; non-ASCII characters go as UTF-8. */
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` (in chunks of this size) instead of a length. */
  chunked?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends one request on its own connection (`Connection: close`) and reads the whole answer.
 * fetch refuses what a hostile client can send anyway (a raw `%zz` target, bytes above 0x7f,
 * repeated Content-Type headers); a socket does not.
 */
export function sendRaw(
  url: string,
  request: RawRequest,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  const body = request.body ?? Buffer.alloc(0);
  if (request.chunked) head.push('Transfer-Encoding: chunked');
  else if (request.body) head.push(`Content-Length: ${body.length}`);
  const bytes = Buffer.concat([
    Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'),
    request.chunked ? chunks(body, request.chunked) : body,
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    socket.on('data', (data) => received.push(data));
    // A server may close while the request is still being written (an answer to a head it
    // refused): what it answered before closing is the answer.
    socket.on('error', (error) =>
      received.length > 0 ? resolve(parse(Buffer.concat(received))) : reject(error),
    );
    socket.on('end', () => {
      try {
        resolve(parse(Buffer.concat(received)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    // Not end(): a request followed by the client's FIN is one Node may abandon unanswered.
    socket.write(bytes);
  });
}

function chunks(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const chunk = body.subarray(at, at + size);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

function parse(received: Buffer): RawResponse {
  // Interim answers (100 Continue to an Expect header) come before the answer.
  let raw = received;
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 13).toString('latin1'))) {
    raw = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
  }
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.toString('latin1'))}`);
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  const body = headers['transfer-encoding'] === 'chunked' ? unchunk(rest) : rest;
  return { status: Number(status), headers, body };
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
