import { randomUUID } from 'node:crypto';
import { ensureTopics } from '#kafka-eos';
import { uniqueName, waitFor } from '#test-infra';
import { clientUnderTest } from '../support/client-under-test.js';
import { readCommitted, type ReadRecord } from '../support/read-topic.js';
import {
  DlqProcess,
  runDlq,
  runDlqJson,
  testKafka,
  writeDeadLetters,
  type WrittenDeadLetter,
} from './dlq-cli.js';

interface Summary {
  topic: string;
  exists: boolean;
  total: number;
  groups: Array<{
    reason: string;
    count: number;
    sources: Record<string, number[]>;
    attempts: { min: number; max: number } | null;
    answered: { yes: number; no: number; unknown: number };
    truncated: number;
    replayed: number;
    records: string[];
  }>;
}
interface Report {
  dryRun: boolean;
  replayed: Array<{ deadLetter: string; to: string }>;
  skipped: Array<{ deadLetter: string; why: string }>;
  transactions: number;
}

const BINARY = Buffer.from([0, 1, 2, 255]);

/** Seven dead letters as settlement's processor writes them, from three source partitions. */
function deadLetters(source: string): WrittenDeadLetter[] {
  const frozen = (account: string): string => `entries for account ${account} are frozen`;
  const at = (partition: number, offset: number) => ({ topic: source, partition, offset });
  return [
    {
      key: 'acct-a',
      value: '{"n":0}',
      headers: { 'event-id': 'e0', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-01-01' },
      reason: frozen(randomUUID()),
      source: at(0, 10),
    },
    {
      key: 'acct-b',
      value: '{"n":1}',
      reason: frozen(randomUUID()),
      source: at(1, 11),
      attempts: 5,
    },
    {
      key: null,
      value: BINARY,
      headers: { bin: Buffer.from([255, 0]) },
      reason: 'value is not JSON',
      source: at(2, 12),
    },
    {
      key: 'acct-c',
      value: '{"n":3',
      headers: { 'x-multi': ['one', 'two'] },
      reason: 'value is not JSON',
      source: at(0, 13),
    },
    {
      key: 'acct-d',
      value: '{"n":4,"pad":"',
      reason: 'too large',
      source: at(1, 14),
      truncatedBytes: 2_000_000,
    },
    {
      key: 'acct-e',
      value: '{"n":5}',
      reason: 'not a TransferResult v1: amount: must be at most 20 digits',
      source: at(2, 15),
      answered: true,
    },
    {
      key: 'acct-f',
      value: '{"n":6}',
      reason: frozen(randomUUID()),
      source: at(1, 16),
      answered: false,
    },
  ];
}

const replayedFrom = (r: ReadRecord): string | undefined => r.headers['dlq-replayed-from'];

describe('dlq: list, show and replay (dead letters written directly)', () => {
  const kafka = testKafka();
  let source: string;
  let dlq: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    // Settlement's dead-letter topic is `<results>.dlq`: the CLI finds it from TOPIC_TRANSFER_RESULTS.
    const results = uniqueName('results');
    dlq = `${results}.dlq`;
    source = uniqueName('source');
    await ensureTopics(clientUnderTest(), [{ topic: source, numPartitions: 3 }]);
    await writeDeadLetters(kafka, dlq, deadLetters(source));
    env = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      TOPIC_TRANSFER_RESULTS: results,
      TOPIC_DEAD_LETTER: uniqueName('no-such-dlq'),
    };
  });

  afterEach(async () => {
    await DlqProcess.killAll();
  });

  /** The replayed copies on the source topic, read_committed, by the dead letter they came from. */
  async function replayedCopies(): Promise<string[]> {
    return (await readCommitted(kafka, source)).map((r) => replayedFrom(r) ?? '?').sort();
  }

  it('lists both dead-letter topics: counts per reason, sources, attempts, answered, truncated', async () => {
    const { topics } = await runDlqJson<{ topics: Summary[] }>(['list'], env);
    expect(topics.map((t) => [t.topic, t.exists, t.total])).toEqual([
      [env.TOPIC_DEAD_LETTER, false, 0],
      [dlq, true, 7],
    ]);
    const groups = new Map(topics[1]?.groups.map((g) => [g.reason, g]));
    expect(groups.get('entries for account <uuid> are frozen')).toMatchObject({
      count: 3,
      sources: { [source]: [0, 1] },
      attempts: { min: 1, max: 5 },
      answered: { yes: 0, no: 1, unknown: 2 },
      records: ['0:0', '0:1', '0:6'],
    });
    expect(groups.get('value is not JSON')).toMatchObject({ count: 2, records: ['0:2', '0:3'] });
    expect(groups.get('too large')).toMatchObject({ count: 1, truncated: 1 });
    expect(groups.get('not a TransferResult v1: amount: must be at most <n> digits')).toMatchObject(
      { count: 1, answered: { yes: 1, no: 0, unknown: 0 } },
    );
    expect(groups.size).toBe(4);

    const text = await runDlq(['list'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${dlq}: 7 dead letters (partition 0: offsets 0 up to `);
    expect(text.stdout).toContain('  3× entries for account <uuid> are frozen');
    expect(text.stdout).toContain(`      from ${source}[0,1] · `);
    expect(text.stdout).toContain('      records 0:0 0:1 0:6');
    expect(text.stdout).toContain(`${env.TOPIC_DEAD_LETTER}: no such topic`);
  });

  it('shows one dead letter in full: headers, key, value as text or base64', async () => {
    const binary = await runDlq(['show', 'settlement', '0:2'], env);
    expect(binary.code).toBe(0);
    expect(binary.stdout).toContain(`${dlq} 0:2, dead-lettered at `);
    expect(binary.stdout).toContain('  dlq-reason: value is not JSON');
    expect(binary.stdout).toContain(`  dlq-source-topic: ${source}`);
    expect(binary.stdout).toContain('  bin: (base64) /wA=');
    expect(binary.stdout).toContain('key: null');
    expect(binary.stdout).toContain(`value (base64, 4 bytes):\n${BINARY.toString('base64')}`);

    const shown = await runDlqJson<{
      key: { text: string };
      value: { encoding: string; text: string };
      headers: Array<{ name: string; text: string }>;
    }>(['show', dlq, '0:3'], env);
    expect(shown.key.text).toBe('acct-c');
    expect(shown.value).toMatchObject({ encoding: 'utf-8', text: '{"n":3' });
    expect(shown.headers.filter((h) => h.name === 'x-multi').map((h) => h.text)).toEqual([
      'one',
      'two',
    ]);

    const missing = await runDlq(['show', 'settlement', '0:99'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^dlq: no committed record at .* 0:99 \(offsets in partition 0: 0 to \d+/,
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('replays chosen dead letters to their source once each; running it again publishes nothing more', async () => {
    const first = await runDlqJson<Report>(['replay', 'settlement', '0:0', '0:2', '0:3'], env);
    expect(first.replayed.map((r) => [r.deadLetter, r.to])).toEqual([
      ['0:0', `${source}[0]`],
      ['0:2', `${source}[2]`],
      ['0:3', `${source}[0]`],
    ]);
    expect(first.transactions).toBe(1);

    const copies = (await readCommitted(kafka, source)).sort(
      (a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset),
    );
    expect(copies.map((r) => [replayedFrom(r), r.partition, r.key, r.value])).toEqual([
      [`${dlq}:0:0`, 0, 'acct-a', '{"n":0}'],
      [`${dlq}:0:3`, 0, 'acct-c', '{"n":3'],
      [`${dlq}:0:2`, 2, null, BINARY.toString()],
    ]);
    // The original headers, without the dlq-* ones, and where it was replayed from.
    expect(copies[0]?.headers).toEqual({
      'event-id': 'e0',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-01-01',
      'dlq-replayed-from': `${dlq}:0:0`,
    });
    // Byte for byte, and a header with two values keeps both.
    const binary = await runDlqJson<{
      value: { text: string };
      headers: Array<{ name: string; text: string }>;
    }>(['show', source, `2:${copies[2]?.offset}`], env);
    expect(binary.value.text).toBe(BINARY.toString('base64'));
    expect(binary.headers.find((h) => h.name === 'bin')?.text).toBe('/wA=');
    const multi = await runDlqJson<{ headers: Array<{ name: string; text: string }> }>(
      ['show', source, `0:${copies[1]?.offset}`],
      env,
    );
    expect(multi.headers.filter((h) => h.name === 'x-multi').map((h) => h.text)).toEqual([
      'one',
      'two',
    ]);

    const again = await runDlqJson<Report>(['replay', 'settlement', '0:0', '0:2', '0:3'], env);
    expect(again.replayed).toEqual([]);
    expect(again.skipped.map((s) => s.deadLetter)).toEqual(['0:0', '0:2', '0:3']);
    expect(again.skipped[0]?.why).toMatch(/^already replayed at /);

    // --all: what was not replayed yet, except the truncated and the answered one.
    const all = await runDlqJson<Report>(['replay', 'settlement', '--all'], env);
    expect(all.replayed.map((r) => r.deadLetter)).toEqual(['0:1', '0:6']);
    const why = new Map(all.skipped.map((s) => [s.deadLetter, s.why]));
    expect([...why.keys()]).toEqual(['0:0', '0:2', '0:3', '0:4', '0:5']);
    for (const done of ['0:0', '0:2', '0:3']) expect(why.get(done)).toMatch(/^already replayed/);
    expect(why.get('0:4')).toMatch(
      /truncated .* \(original 2000000 bytes\): it cannot be replayed/,
    );
    expect(why.get('0:5')).toMatch(/^answered already/);
    expect(await replayedCopies()).toEqual(
      ['0:0', '0:1', '0:2', '0:3', '0:6'].map((c) => `${dlq}:${c}`),
    );
    const { topics } = await runDlqJson<{ topics: Summary[] }>(
      ['list', '--topic', 'settlement'],
      env,
    );
    expect(topics[0]?.groups.find((g) => g.reason.startsWith('entries'))?.replayed).toBe(3);
  });

  it('publishes each once in total when killed inside its transaction and run again', async () => {
    // Transactions of two dead letters: the first commits, the second is killed before its commit.
    const crashed = await runDlq(['replay', 'settlement', '--all', '--per-transaction', '2'], {
      ...env,
      EOS_CRASH_AT: 'dlq.before-commit:2',
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stdout).toContain('committed 2 of 5: 0:0 0:1');
    // The open transaction's copies reached the log (a read_committed read would wait for them to
    // be aborted; the re-run's producer start aborts them).
    expect(await readCommitted(kafka, source, { readUncommitted: true })).toHaveLength(4);

    const rerun = await runDlqJson<Report>(
      ['replay', 'settlement', '--all', '--per-transaction', '2'],
      env,
    );
    expect(rerun.replayed.map((r) => r.deadLetter)).toEqual(['0:2', '0:3', '0:6']);
    expect(
      rerun.skipped.filter((s) => s.why.startsWith('already replayed')).map((s) => s.deadLetter),
    ).toEqual(['0:0', '0:1']);
    expect(await replayedCopies()).toEqual(
      ['0:0', '0:1', '0:2', '0:3', '0:6'].map((c) => `${dlq}:${c}`),
    );
    const everything = await readCommitted(kafka, source, { readUncommitted: true });
    expect(everything.length).toBeGreaterThanOrEqual(5 + 2);
  });

  it('fences a replayer frozen inside its transaction: the next one replays, the frozen one publishes nothing', async () => {
    const frozen = new DlqProcess(['replay', 'settlement', '--all'], {
      ...env,
      EOS_PAUSE_AT: 'dlq.before-commit',
    });
    await waitFor(() => frozen.stderr.includes('SIGSTOP'), {
      description: 'the first replayer frozen before its commit',
      timeoutMs: 30_000,
    });
    const next = await runDlqJson<Report>(['replay', 'settlement', '--all'], env);
    expect(next.replayed).toHaveLength(5);

    frozen.kill('SIGCONT');
    const resumed = await frozen.finished;
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/\ndlq: another replay of .* started and fenced this one/);
    expect(await replayedCopies()).toEqual(
      ['0:0', '0:1', '0:2', '0:3', '0:6'].map((c) => `${dlq}:${c}`),
    );
  });

  it('publishes nothing on a dry run or a mistake; bad arguments exit 2 with the usage', async () => {
    const dry = await runDlqJson<Report>(
      ['replay', 'settlement', '--reason', 'FROZEN', '--dry-run'],
      env,
    );
    expect(dry).toMatchObject({ dryRun: true, transactions: 0 });
    expect(dry.replayed.map((r) => r.deadLetter)).toEqual(['0:0', '0:1', '0:6']);

    const typo = await runDlq(['replay', 'settlement', '0:1', '0:99'], env);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(`dlq: no committed dead letter at 0:99 in ${dlq}: nothing replayed\n`);

    for (const args of [['replay', 'settlement'], ['show', 'settlement', 'zero'], ['lst']]) {
      const bad = await runDlq(args, env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^dlq: .*\nusage: npm run dlq -- list/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await readCommitted(kafka, source)).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.listTopics()).not.toContain(`${dlq}.replayed`);
    await admin.disconnect();
  });
});
