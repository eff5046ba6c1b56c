import { randomBytes } from 'node:crypto';
import amqp, {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
} from 'amqplib';
import { waitFor } from '../../test/infra/index.js';
import { cutWhenStored, withTimeout, type BrokerLab, type CellRun } from './cell.js';
import { HoldProxy } from './hold-proxy.js';
import type { FaultKind, Mode } from './tally.js';
import type { Workload } from './workload.js';

const TARGET = { host: '127.0.0.1', port: Number(process.env.RABBITMQ_PORT ?? 5672) };
const USER = 'guest:guest';

/** A client connection and its channel; `closed` turns true when the connection goes. */
interface Client {
  model: ChannelModel;
  channel: Channel;
  /** The same channel in confirm mode, when opened so. */
  confirms?: ConfirmChannel;
  closed: boolean;
}

/**
 * RabbitMQ through a HoldProxy. At-most-once: no publisher confirms, and the consumer acks before
 * its work. At-least-once: publisher confirms, what was not confirmed is published again, and
 * the consumer acks after its work. The queue's depth, read on a connection of its own, is
 * the server's count of what it stored.
 */
export class RabbitMqLab implements BrokerLab {
  readonly system = 'RabbitMQ';
  readonly modes: readonly Mode[] = ['at-most-once', 'at-least-once'];
  private proxy?: HoldProxy;
  private admin?: Client;

  async start(): Promise<void> {
    this.admin = await connectTo(TARGET.port, false);
    this.proxy = await HoldProxy.start(TARGET);
  }

  async stop(): Promise<void> {
    if (this.admin) await closeQuietly(this.admin);
    await this.proxy?.close();
  }

  async run(mode: Mode, fault: FaultKind, workload: Workload): Promise<CellRun> {
    const queue = `lab-brokers-${mode}-${fault}-${randomBytes(4).toString('hex')}`;
    await this.adminChannel().assertQueue(queue, { durable: false });
    try {
      const lost = fault === 'lost-response' ? workload.faultIds : new Set<string>();
      // Outside the lost-response cells the publish is not under test: always confirmed.
      const publishMode = fault === 'lost-response' ? mode : 'at-least-once';
      const published = await this.publish(queue, publishMode, workload.ids, lost);
      const crashAt = fault === 'consumer-crash' ? workload.faultIds : new Set<string>();
      const consumed = await this.consume(queue, mode, crashAt);
      if (fault === 'consumer-crash')
        return { processed: consumed.processed, faultsApplied: consumed.crashes };
      return {
        processed: consumed.processed,
        faultsApplied: published.applied,
        ...(mode === 'at-most-once' && { note: 'no confirm to lose' }),
      };
    } finally {
      await this.adminChannel().deleteQueue(queue);
    }
  }

  private async publish(
    queue: string,
    mode: Mode,
    ids: string[],
    faultIds: Set<string>,
  ): Promise<{ applied: number }> {
    const proxy = this.viaProxy();
    const confirms = mode !== 'at-most-once';
    let client = await connectTo(proxy.port, confirms);
    let applied = 0;
    for (const id of ids) {
      let cut: Promise<boolean> | undefined;
      if (faultIds.has(id)) {
        const before = await this.depth(queue);
        proxy.hold();
        cut = cutWhenStored(proxy, () => this.depth(queue), before + 1);
      }
      for (;;) {
        if (client.closed) client = await connectTo(proxy.port, confirms);
        try {
          await send(client, queue, id, confirms);
          break;
        } catch {
          // Not confirmed: an at-least-once publisher sends it again on a new connection.
          await closeQuietly(client);
          client.closed = true;
        }
      }
      if (cut && (await cut)) applied++;
      if (cut && !confirms) {
        const old = client;
        await waitFor(() => old.closed, {
          description: 'the cut connection to close',
          timeoutMs: 5_000,
        });
      }
    }
    // A round trip before closing: amqplib's close can overtake publishes still in its buffers
    // (seen here: the last messages of an unconfirmed run went missing without it).
    await client.channel.checkQueue(queue);
    await closeQuietly(client);
    return { applied };
  }

  /**
   * Consumes until the queue is empty and quiet, one message at a time (prefetch 1). At a crash
   * id the consumer stops between its two steps (acked but not worked on, or worked on but not
   * acked) and its connection is cut; a new consumer takes over.
   */
  private async consume(
    queue: string,
    mode: Mode,
    crashAt: Set<string>,
  ): Promise<{ processed: string[]; crashes: number }> {
    const processed: string[] = [];
    const crashed = new Set<string>();
    let lastMessageAt = Date.now();
    for (;;) {
      const client = await connectTo(this.viaProxy().port, false);
      await client.channel.prefetch(1);
      let dead = false;
      const crash = new Promise<'crash'>((resolve) => {
        const onMessage = async (message: ConsumeMessage | null): Promise<void> => {
          if (!message || dead) return;
          lastMessageAt = Date.now();
          const id = message.content.toString();
          const crashHere = crashAt.has(id) && !crashed.has(id);
          const stop = (): void => {
            crashed.add(id);
            dead = true;
            this.viaProxy().cut();
            resolve('crash');
          };
          if (mode === 'at-most-once') {
            client.channel.ack(message);
            // A round trip on the channel: the ack has reached the server before the crash.
            await client.channel.checkQueue(queue);
            if (crashHere) return stop();
            processed.push(id);
          } else {
            processed.push(id);
            if (crashHere) return stop();
            client.channel.ack(message);
          }
        };
        void client.channel.consume(queue, (m) => void onMessage(m).catch(() => undefined));
      });
      let crashedHere = false;
      void crash.then(() => (crashedHere = true));
      // Stops polling once this consumer crashed: the queue is deleted after the cell.
      const drained = waitFor(
        async () =>
          crashedHere || (Date.now() - lastMessageAt > 500 && (await this.depth(queue)) === 0),
        { description: `queue ${queue} to drain`, timeoutMs: 60_000, intervalMs: 50 },
      ).then(() => 'drained' as const);
      const outcome = await Promise.race([crash, drained]);
      await closeQuietly(client);
      if (outcome === 'drained') return { processed, crashes: crashed.size };
    }
  }

  private async depth(queue: string): Promise<number> {
    return (await this.adminChannel().checkQueue(queue)).messageCount;
  }

  private adminChannel(): Channel {
    if (!this.admin) throw new Error('RabbitMQ lab not started');
    return this.admin.channel;
  }

  private viaProxy(): HoldProxy {
    if (!this.proxy) throw new Error('RabbitMQ lab not started');
    return this.proxy;
  }
}

/** Closes a connection that may already be cut (then the close would wait for no answer). */
async function closeQuietly(client: Client): Promise<void> {
  await withTimeout(client.model.close(), 1_000, 'close').catch(() => undefined);
}

async function connectTo(port: number, confirms: boolean): Promise<Client> {
  const model = await amqp.connect(`amqp://${USER}@127.0.0.1:${port}`);
  const confirmChannel = confirms ? await model.createConfirmChannel() : undefined;
  const channel = confirmChannel ?? (await model.createChannel());
  const client: Client = {
    model,
    channel,
    closed: false,
    ...(confirmChannel && { confirms: confirmChannel }),
  };
  const closed = (): void => {
    client.closed = true;
  };
  model.on('error', closed).on('close', closed);
  channel.on('error', closed).on('close', closed);
  return client;
}

/** Publishes one message; with confirms, resolves when the server confirms it. */
function send(client: Client, queue: string, id: string, confirms: boolean): Promise<void> {
  const confirmChannel = client.confirms;
  if (!confirms || !confirmChannel) {
    client.channel.sendToQueue(queue, Buffer.from(id), { messageId: id });
    return Promise.resolve();
  }
  const confirmed = new Promise<void>((resolve, reject) => {
    confirmChannel.sendToQueue(queue, Buffer.from(id), { messageId: id }, (error: unknown) =>
      error ? reject(error instanceof Error ? error : new Error('not confirmed')) : resolve(),
    );
  });
  return withTimeout(confirmed, 3_000, `confirm of ${id}`);
}
