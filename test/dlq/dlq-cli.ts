import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { DeadLetterHeaders, ensureTopics } from '#kafka-eos';
import { repoRoot, uniqueName } from '#test-infra';
import { clientUnderTest } from '../support/client-under-test.js';

export interface DlqRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `npm run dlq -- <args>` as a real process, from the build output (`npm test` builds first). */
export class DlqProcess {
  private static readonly running = new Set<DlqProcess>();
  stdout = '';
  stderr = '';
  readonly finished: Promise<DlqRun>;
  private readonly child;

  constructor(args: string[], env: Record<string, string>) {
    const script = join(repoRoot(), 'dist', 'scripts', 'dlq.js');
    // The flag `npm run dlq` passes too: kafkajs sets a negative timeout Node warns about.
    this.child = spawn(
      process.execPath,
      ['--disable-warning=TimeoutNegativeWarning', script, ...args],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    DlqProcess.running.add(this);
    this.finished = new Promise((resolve) =>
      this.child.once('close', (code, signal) => {
        DlqProcess.running.delete(this);
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      }),
    );
  }

  /** For `afterEach`: a test that failed early must not leave a frozen replayer behind. */
  static async killAll(): Promise<void> {
    const left = [...DlqProcess.running];
    for (const p of left) p.kill('SIGKILL');
    await Promise.all(left.map((p) => p.finished));
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

export function runDlq(args: string[], env: Record<string, string>): Promise<DlqRun> {
  return new DlqProcess(args, env).finished;
}

/** Runs the CLI with --json and parses what it printed; fails with its output if it did not exit 0. */
export async function runDlqJson<T>(args: string[], env: Record<string, string>): Promise<T> {
  const run = await runDlq([...args, '--json'], env);
  if (run.code !== 0) throw new Error(`dlq ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

export function testKafka(): Kafka {
  return new Kafka({
    clientId: 'dlq-test',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
}

export interface WrittenDeadLetter {
  key: string | null;
  value: Buffer | string;
  /** The original record's headers. */
  headers?: IHeaders;
  reason: string;
  source: { topic: string; partition: number; offset: number };
  attempts?: number;
  truncatedBytes?: number;
  answered?: boolean;
}

/**
 * Dead letters written the way the processor writes them (the original record with the `dlq-*`
 * headers), in one committed transaction, to a 1-partition topic created if missing.
 */
export async function writeDeadLetters(
  kafka: Kafka,
  topic: string,
  letters: WrittenDeadLetter[],
): Promise<void> {
  await ensureTopics(clientUnderTest(), [{ topic, numPartitions: 1 }]);
  const producer = kafka.producer({
    transactionalId: uniqueName('test-dead-letters'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const tx = await producer.transaction();
  await tx.send({
    topic,
    messages: letters.map((l) => ({
      key: l.key,
      value: l.value,
      headers: {
        ...l.headers,
        [DeadLetterHeaders.reason]: l.reason,
        [DeadLetterHeaders.sourceTopic]: l.source.topic,
        [DeadLetterHeaders.sourcePartition]: String(l.source.partition),
        [DeadLetterHeaders.sourceOffset]: String(l.source.offset),
        [DeadLetterHeaders.attempts]: String(l.attempts ?? 1),
        ...(l.truncatedBytes !== undefined && {
          [DeadLetterHeaders.valueTruncated]: String(l.truncatedBytes),
        }),
        ...(l.answered !== undefined && { [DeadLetterHeaders.answered]: String(l.answered) }),
      },
    })),
  });
  await tx.commit();
  await producer.disconnect();
}
