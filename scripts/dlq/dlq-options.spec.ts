import { UsageError } from './dlq-errors.js';
import { parseDlqOptions } from './dlq-options.js';

describe('parseDlqOptions', () => {
  const env = { KAFKA_BROKERS: 'k1:9092,k2:9092', TOPIC_TRANSFER_RESULTS: 'results' };

  it('lists both dead-letter topics, named as the services name them', () => {
    expect(parseDlqOptions(['list'], env)).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      verbose: false,
      command: {
        name: 'list',
        topics: ['transfers.requested.dlq', 'results.dlq'],
        allRecords: false,
        json: false,
      },
    });
    expect(parseDlqOptions(['list'], { TOPIC_DEAD_LETTER: 'mine' }).command).toMatchObject({
      topics: ['mine', 'transfers.results.dlq'],
    });
    expect(
      parseDlqOptions(['list', '--topic', 'x', '--topic', 'settlement', '--json'], env).command,
    ).toMatchObject({ topics: ['x', 'results.dlq'], json: true });
  });

  it('reads show and replay arguments, the aliases and the flags', () => {
    expect(parseDlqOptions(['show', 'ledger', '0:42', '--brokers', 'h:1'], env)).toMatchObject({
      brokers: ['h:1'],
      command: {
        name: 'show',
        topic: 'transfers.requested.dlq',
        at: { partition: 0, offset: '42' },
      },
    });
    expect(parseDlqOptions(['replay', 't', '0:1', '2:3', '--dry-run'], env).command).toEqual({
      name: 'replay',
      topic: 't',
      selection: {
        kind: 'coordinates',
        coordinates: [
          { partition: 0, offset: '1' },
          { partition: 2, offset: '3' },
        ],
      },
      dryRun: true,
      includeAnswered: false,
      perTransaction: 200,
      json: false,
    });
    expect(
      parseDlqOptions(['replay', 't', '--reason', 'frozen', '--per-transaction', '5'], env).command,
    ).toMatchObject({ selection: { kind: 'reason', reason: 'frozen' }, perTransaction: 5 });
    expect(parseDlqOptions([], env).command).toEqual({ name: 'help' });
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['list', '--nope'], /Unknown option '--nope'/],
    [['list', 'extra'], /list takes no arguments/],
    [['list', '--all'], /list does not take --all/],
    [['show', 't'], /show needs <topic> <partition>:<offset>/],
    [['show', 't', '0-5'], /expected <partition>:<offset>/],
    [['replay', 't'], /exactly one of/],
    [['replay', 't', '0:1', '--all'], /exactly one of/],
    [['replay'], /replay needs a dead-letter topic/],
    [['replay', 't', '--all', '--per-transaction', '0'], /--per-transaction must be/],
    [['list', '--brokers', 'nohost'], /--brokers: expected host:port/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDlqOptions(argv, env)).toThrow(UsageError);
    expect(() => parseDlqOptions(argv, env)).toThrow(message);
  });
});
