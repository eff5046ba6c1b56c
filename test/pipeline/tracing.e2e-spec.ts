import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '#test-infra';
import { PipelineFixture } from './pipeline-fixture.js';

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

/** An OTLP/HTTP JSON export request, the parts read here (ids are hex strings in JSON). */
interface OtlpTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: Array<Omit<ReceivedSpan, 'service'>> }>;
  }>;
}

/** An OTLP/HTTP collector of our own: what the services export, as JSON (their exporter's format). */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces')
        this.collect(JSON.parse(Buffer.concat(chunks).toString()) as OtlpTraces);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private collect(body: OtlpTraces): void {
    for (const { resource, scopeSpans } of body.resourceSpans ?? []) {
      const service =
        resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      for (const { spans } of scopeSpans ?? []) {
        for (const s of spans ?? []) {
          this.spans.push({
            service,
            name: s.name,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
          });
        }
      }
    }
  }
}

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, each service exports real spans, and one trace links the
 * caller, payments' request, the ledger's posting of the transfer and payments' settlement of its
 * result, each the child of the one before, across the outbox and two Kafka hops.
 */
describe('tracing over OTLP', () => {
  let fx: PipelineFixture;
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
    fx = await PipelineFixture.create('tracing');
    await Promise.all([fx.startLedger(env), fx.startPayments(env)]);
  });
  afterAll(async () => {
    await fx?.close();
    await receiver.close();
  });

  it("exports one trace from the caller's request to the settled transfer", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const payer = await fx.openAccount(100n);
    const payee = await fx.openAccount();
    const accepted = await fx.postTransfer(payer, payee, 10n, 'EUR', {
      traceparent: `00-${traceId}-${callerSpan}-01`,
    });
    await fx.waitForFinal([accepted.id]);

    const find = (service: string, name: RegExp, parent: string) =>
      receiver.spans.find(
        (s) =>
          s.service === service &&
          name.test(s.name) &&
          s.traceId === traceId &&
          s.parentSpanId === parent,
      );
    const chain = await waitFor(
      () => {
        const request = find('payments', /^POST \/transfers$/, callerSpan);
        const posting = request && find('ledger', /process$/, request.spanId);
        const settling = posting && find('payments', /process$/, posting.spanId);
        return settling && { request, posting, settling };
      },
      {
        description: 'the spans of request, posting and settlement, each the child of the last',
        timeoutMs: 30_000,
      },
    );
    expect(chain.posting.name).toBe(`${fx.topics.requested} process`);
    expect(chain.settling.name).toBe(`${fx.topics.results} process`);
  });
});
