import { Controller, UseFilters, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { KafkaClient } from '../client/kafka-client.js';
import type { InputRecord, OutputRecord } from '../records.js';
import { DependencyUnavailableError, PoisonRecordError } from '../records.js';
import { KafkaEosContext } from './kafka-eos.context.js';
import { KafkaEosExceptionFilter } from './kafka-eos.exception-filter.js';
import {
  deadLetterPattern,
  KafkaEosServer,
  type KafkaEosSubscription,
} from './kafka-eos.server.js';

const record = (offset: string, value = `v${offset}`): InputRecord => ({
  topic: 'in',
  partition: 2,
  offset,
  key: null,
  value: Buffer.from(value),
  headers: { h: offset },
  timestamp: '0',
});
const heartbeat = async () => undefined;
const seen: Array<{ data: unknown; topic: string; partition: number; attempt: number }> = [];

@Controller()
@UseFilters(KafkaEosExceptionFilter)
class EchoController {
  @EventPattern<string>('single')
  one(@Payload() r: InputRecord, @Ctx() ctx: KafkaEosContext): OutputRecord[] {
    seen.push({
      data: r,
      topic: ctx.getTopic(),
      partition: ctx.getPartition(),
      attempt: ctx.getAttempt(),
    });
    const value = r.value?.toString() ?? '';
    if (value === 'down') throw new DependencyUnavailableError('database down');
    if (value === 'poison') throw new PoisonRecordError('undecodable');
    if (value === 'broken') throw new Error('a bug');
    return [{ topic: 'out', key: r.key, value: value.toUpperCase() }];
  }

  @EventPattern<string>('batch', { batch: true })
  many(@Payload() records: InputRecord[]): OutputRecord[][] {
    seen.push({ data: records, topic: '', partition: -1, attempt: 0 });
    return records.map((r) => [{ topic: 'out', value: `#${r.offset}` }]);
  }

  @EventPattern<string>('quiet', { batch: true })
  quiet(): void {}

  @EventPattern<string>(deadLetterPattern('single'))
  answer(@Payload() r: InputRecord, @Ctx() ctx: KafkaEosContext): OutputRecord {
    return { topic: 'answers', value: `${r.offset}:${ctx.getFailure()?.poison}` };
  }
}

@Controller()
class UnfilteredController {
  @EventPattern<string>('single')
  one(): never {
    throw new DependencyUnavailableError('database down');
  }
}

@Controller()
class TwiceController {
  @EventPattern<string>('single')
  a(): void {}
  @EventPattern<string>('single')
  b(): void {}
}

@Controller()
class RequestReplyController {
  @MessagePattern<string>('single')
  a(): void {}
}

const subscription = (topic: string): KafkaEosSubscription => ({
  topic,
  groupId: `${topic}-group`,
  deadLetterTopic: `${topic}.dlq`,
  enabled: false, // no consumer: these tests call what a consumer would call
});
const all = { single: subscription('in'), batch: subscription('b'), quiet: subscription('q') };

async function connect(
  controller: new () => unknown,
  subscriptions: Record<string, KafkaEosSubscription> = all,
): Promise<{ server: KafkaEosServer; app: INestMicroservice }> {
  const server = new KafkaEosServer({ kafka: {} as KafkaClient, subscriptions });
  const moduleRef = await Test.createTestingModule({ controllers: [controller] }).compile();
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  await app.init();
  return { server, app };
}

describe('KafkaEosServer', () => {
  let app: INestMicroservice | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    seen.length = 0;
  });

  it("registers the controllers' @EventPattern handlers with their batch option", async () => {
    const connected = await connect(EchoController);
    app = connected.app;
    const { server } = connected;
    expect([...server.getHandlers().keys()].sort()).toEqual(
      ['batch', 'quiet', 'single', 'single.dead-letter'].sort(),
    );
    expect(server.getHandlerByPattern('batch')?.extras).toEqual({ batch: true });
    expect(server.getHandlerByPattern('single')?.extras).toEqual({});
  });

  it('refuses two handlers on one pattern, and request-reply handlers', async () => {
    await expect(connect(TwiceController)).rejects.toThrow(/single: two handlers for one pattern/);
    await expect(connect(RequestReplyController)).rejects.toThrow(/@EventPattern handlers only/);
  });

  it('hands a single handler one record with its context, and takes its answer', async () => {
    ({ app } = await connect(EchoController));
    const server = app.getTransportServer() as KafkaEosServer;
    const outputs = await server.recordsHandler('single')([record('7', 'abc')], {
      attempt: 3,
      heartbeat,
    });
    expect(outputs).toEqual([[{ topic: 'out', key: null, value: 'ABC' }]]);
    expect(seen).toEqual([{ data: record('7', 'abc'), topic: 'in', partition: 2, attempt: 3 }]);
  });

  it('hands a batch handler all the records, one answer each; no answer is no records', async () => {
    ({ app } = await connect(EchoController));
    const server = app.getTransportServer() as KafkaEosServer;
    const records = [record('1'), record('2'), record('3')];
    const outputs = await server.recordsHandler('batch')(records, { attempt: 1, heartbeat });
    expect(outputs).toEqual([
      [{ topic: 'out', value: '#1' }],
      [{ topic: 'out', value: '#2' }],
      [{ topic: 'out', value: '#3' }],
    ]);
    expect(seen[0]?.data).toEqual(records);
    expect(await server.recordsHandler('quiet')(records, { attempt: 1, heartbeat })).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('keeps what an error says about retrying through the exception layer', async () => {
    ({ app } = await connect(EchoController));
    const handle = (app.getTransportServer() as KafkaEosServer).recordsHandler('single');
    const failure = (value: string) =>
      handle([record('1', value)], { attempt: 1, heartbeat }).then(
        () => undefined,
        (error: unknown) => error as { retriable?: boolean; message: string },
      );
    expect(await failure('down')).toBeInstanceOf(DependencyUnavailableError);
    expect((await failure('down'))?.retriable).toBe(true);
    expect((await failure('poison'))?.retriable).toBe(false);
    expect((await failure('broken'))?.retriable).toBeUndefined();
    expect((await failure('broken'))?.message).toBe('a bug');
  });

  it("without the filter, Nest's default one drops `retriable` (why the filter is needed)", async () => {
    ({ app } = await connect(UnfilteredController, { single: subscription('in') }));
    const handle = (app.getTransportServer() as KafkaEosServer).recordsHandler('single');
    const error = await handle([record('1')], { attempt: 1, heartbeat }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { retriable?: boolean }).retriable).toBeUndefined();
  });

  it('answers a dead letter through its own pattern, told why', async () => {
    ({ app } = await connect(EchoController));
    const answer = (app.getTransportServer() as KafkaEosServer).deadLetterAnswer('single');
    const failure = { error: new PoisonRecordError('x'), attempts: 1, poison: true };
    expect(await answer?.(record('9'), failure)).toEqual([{ topic: 'answers', value: '9:true' }]);
    expect((app.getTransportServer() as KafkaEosServer).deadLetterAnswer('batch')).toBeUndefined();
  });

  it.each([
    [
      'a subscription without a handler',
      { ...all, other: { ...subscription('o'), enabled: true } },
      /other: no @EventPattern\('other'\) handler/,
    ],
    [
      'a handler without a subscription',
      { single: all.single, batch: all.batch },
      /quiet: a handler with no subscription/,
    ],
    [
      'a bad guarantee',
      { ...all, single: { ...all.single, guarantee: 'twice' as never } },
      /guarantee must be one of/,
    ],
    [
      'dead letters into the topic consumed',
      { ...all, single: { ...all.single, deadLetterTopic: 'in' } },
      /dead-letter topic cannot be the topic consumed/,
    ],
    ['an empty group', { ...all, batch: { ...all.batch, groupId: ' ' } }, /groupId must be/],
  ])('refuses to start with %s', async (_, subscriptions, message) => {
    const server = new KafkaEosServer({ kafka: {} as KafkaClient, subscriptions });
    const moduleRef = await Test.createTestingModule({ controllers: [EchoController] }).compile();
    app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
    await expect(app.listen()).rejects.toThrow(message);
  });

  it('starts with valid subscriptions; a disabled one reports disabled', async () => {
    ({ app } = await connect(EchoController));
    await app.listen();
    expect((app.getTransportServer() as KafkaEosServer).state('single')).toBe('disabled');
  });
});
