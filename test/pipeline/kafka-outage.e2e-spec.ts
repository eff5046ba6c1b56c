import { freePort, waitFor } from '#test-infra';
import { TcpProxy } from '../support/tcp-proxy.js';
import { PipelineFixture } from './pipeline-fixture.js';

interface Readiness {
  status: string;
  error?: Record<string, { status: string }>;
  capabilities?: Record<string, boolean>;
}

/**
 * Accepting a transfer needs the database, not Kafka. Payments starts while Kafka is away (its
 * bootstrap address refuses connections), accepts transfers and stays ready; once Kafka answers,
 * the relay and settlement, which kept retrying in the background, publish and settle them.
 */
describe('payments while Kafka is away', () => {
  let fx: PipelineFixture;
  let proxy: TcpProxy;

  beforeAll(async () => {
    fx = await PipelineFixture.create('kafka-outage');
    const [host = '127.0.0.1', port = '0'] =
      (process.env.KAFKA_BROKERS ?? '').split(',')[0]?.split(':') ?? [];
    proxy = new TcpProxy(await freePort(), { host, port: Number(port) });
  });
  afterAll(async () => {
    await proxy?.off();
    await fx?.close();
  });

  it('starts, accepts and stays ready without Kafka; publishes and settles once Kafka is back', async () => {
    await fx.startLedger(); // the ledger reaches Kafka directly
    const [payer = '', payee = ''] = await fx.openAccountsAside([1_000n, undefined]);
    const payments = await fx.startPayments({ KAFKA_BROKERS: proxy.address });

    const accepted = [
      await fx.postTransfer(payer, payee, 100n),
      await fx.postTransfer(payer, payee, 200n),
    ];
    expect(accepted.map((t) => t.status)).toEqual(['pending', 'pending']);
    const response = await fetch(`${payments.url}/health/ready`);
    const body = (await response.json()) as Readiness;
    expect(response.status).toBe(200);
    expect(body.error).toMatchObject({ kafka: { status: 'down' } });
    expect(body.capabilities).toEqual({ accepting: true, publishing: false, settling: false });

    await proxy.on();
    const settled = await fx.waitForFinal(
      accepted.map((t) => t.id),
      90_000,
    );
    expect(settled.map((t) => t.status)).toEqual(['completed', 'completed']);
    expect(await fx.balance(payee)).toBe(300n);
    await waitFor(
      async () => {
        const ready = (await (await fetch(`${payments.url}/health/ready`)).json()) as Readiness;
        return ready.capabilities?.settling === true && ready.capabilities.publishing === true;
      },
      { description: 'readiness to report publishing and settling', timeoutMs: 30_000 },
    );
  });
});
