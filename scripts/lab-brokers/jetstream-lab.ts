import { randomBytes } from 'node:crypto';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { cutWhenStored, type BrokerLab, type CellRun } from './cell.js';
import { HoldProxy } from './hold-proxy.js';
import type { FaultKind, Mode } from './tally.js';
import type { Workload } from './workload.js';

const TARGET = { host: '127.0.0.1', port: Number(process.env.NATS_PORT ?? 4222) };
/** How long the server waits for an ack before it redelivers. */
const ACK_WAIT_MS = 1_000;

/**
 * NATS JetStream through a HoldProxy; one stream per cell, read by a durable pull consumer.
 * At-most-once: core publish (no PubAck awaited), ack before the work. At-least-once: publish
 * waits for the PubAck and sends again without one; ack after the work. Exactly-once: the same
 * with a Msg-Id header, so the stream's duplicate window drops the second copy, and a double
 * ack (the server confirms it has the ack). The stream and consumer info, read on a connection
 * of its own, are the server's counts.
 */
export class JetStreamLab implements BrokerLab {
  readonly system = 'NATS JetStream';
  readonly modes: readonly Mode[] = ['at-most-once', 'at-least-once', 'exactly-once'];
  private proxy?: HoldProxy;
  private admin?: NatsConnection;
  private jsm?: JetStreamManager;

  async start(): Promise<void> {
    this.admin = await connect({ servers: `${TARGET.host}:${TARGET.port}` });
    this.jsm = await jetstreamManager(this.admin);
    this.proxy = await HoldProxy.start(TARGET);
  }

  async stop(): Promise<void> {
    await this.admin?.close();
    await this.proxy?.close();
  }

  async run(mode: Mode, fault: FaultKind, workload: Workload): Promise<CellRun> {
    const stream = `LAB_${mode}_${fault}_${randomBytes(4).toString('hex')}`.replaceAll('-', '_');
    const subject = `lab.${stream}`;
    await this.manager().streams.add({
      name: stream,
      subjects: [subject],
      duplicate_window: nanos(120_000),
    });
    try {
      await this.manager().consumers.add(stream, {
        durable_name: 'worker',
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(ACK_WAIT_MS),
      });
      const lost = fault === 'lost-response' ? workload.faultIds : new Set<string>();
      // Outside the lost-response cells the publish is not under test: always acknowledged.
      const publishMode = fault === 'lost-response' ? mode : 'at-least-once';
      const applied = await this.publish(stream, subject, publishMode, workload.ids, lost);
      const crashAt = fault === 'consumer-crash' ? workload.faultIds : new Set<string>();
      const consumed = await this.consume(stream, mode, crashAt);
      if (fault === 'consumer-crash')
        return { processed: consumed.processed, faultsApplied: consumed.crashes };
      return {
        processed: consumed.processed,
        faultsApplied: applied,
        ...(mode === 'at-most-once' && { note: 'no PubAck to lose' }),
      };
    } finally {
      await this.manager().streams.delete(stream);
    }
  }

  private async publish(
    stream: string,
    subject: string,
    mode: Mode,
    ids: string[],
    faultIds: Set<string>,
  ): Promise<number> {
    const proxy = this.viaProxy();
    const stored = async (): Promise<number> =>
      (await this.manager().streams.info(stream)).state.messages;
    let nc = await this.connectViaProxy();
    let applied = 0;
    for (const id of ids) {
      let cut: Promise<boolean> | undefined;
      if (faultIds.has(id)) {
        const before = await stored();
        proxy.hold();
        cut = cutWhenStored(proxy, stored, before + 1);
      }
      for (;;) {
        if (nc.isClosed()) nc = await this.connectViaProxy();
        try {
          if (mode === 'at-most-once') nc.publish(subject, id);
          else
            await jetstream(nc).publish(subject, id, {
              timeout: 1_000,
              ...(mode === 'exactly-once' && { msgID: id }),
            });
          break;
        } catch {
          // No PubAck: sent again on a new connection (the same Msg-Id in exactly-once).
          await nc.close().catch(() => undefined);
        }
      }
      if (cut && (await cut)) applied++;
      if (cut && mode === 'at-most-once') await nc.closed();
    }
    await nc.flush().catch(() => undefined);
    await nc.close();
    return applied;
  }

  /**
   * Pulls one message at a time until the consumer has nothing pending or unacked. At a crash id
   * the consumer stops between its two steps and its connection is cut; a new one takes over
   * the same durable consumer (an unacked message comes back after the ack wait).
   */
  private async consume(
    stream: string,
    mode: Mode,
    crashAt: Set<string>,
  ): Promise<{ processed: string[]; crashes: number }> {
    const processed: string[] = [];
    const crashed = new Set<string>();
    for (;;) {
      const nc = await this.connectViaProxy();
      const consumer = await jetstream(nc).consumers.get(stream, 'worker');
      let crash = false;
      for (;;) {
        const message = await consumer.next({ expires: 1_000 });
        if (!message) {
          const info = await this.manager().consumers.info(stream, 'worker');
          if (info.num_pending === 0 && info.num_ack_pending === 0) {
            await nc.close();
            return { processed, crashes: crashed.size };
          }
          continue;
        }
        const id = message.string();
        const crashHere = crashAt.has(id) && !crashed.has(id);
        if (mode === 'at-most-once') {
          message.ack();
          // A round trip: the ack has reached the server before the crash.
          await nc.flush();
          if (crashHere) crash = true;
          else processed.push(id);
        } else {
          processed.push(id);
          if (crashHere) crash = true;
          else if (mode === 'exactly-once') await message.ackAck();
          else message.ack();
        }
        if (crash) {
          crashed.add(id);
          this.viaProxy().cut();
          await nc.closed();
          break;
        }
      }
    }
  }

  private connectViaProxy(): Promise<NatsConnection> {
    // No reconnect: a cut connection is gone, as a crashed process's would be.
    return connect({ servers: `127.0.0.1:${this.viaProxy().port}`, reconnect: false });
  }

  private manager(): JetStreamManager {
    if (!this.jsm) throw new Error('JetStream lab not started');
    return this.jsm;
  }

  private viaProxy(): HoldProxy {
    if (!this.proxy) throw new Error('JetStream lab not started');
    return this.proxy;
  }
}
