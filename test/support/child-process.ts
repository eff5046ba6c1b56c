import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '#test-infra';
import { libraryUnderTest } from './client-under-test.js';

/** A service started as a real child process from the build output (`npm test` builds first). */
export class ChildService {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    // TEST_CHILD_LOG_DIR keeps every child's output in <dir>/<name>-<pid>.log, for reading a
    // failed run afterwards.
    const logDir = process.env.TEST_CHILD_LOG_DIR;
    const logFile = logDir ? join(logDir, `${name}-${child.pid ?? 'unknown'}.log`) : undefined;
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString();
      if (logFile) appendFileSync(logFile, chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /**
   * `script` is relative to the repository's dist/ folder, e.g. apps/payments/src/relay.main.js.
   * The service runs on the Kafka client under test (KAFKA_CLIENT) unless `env` names another.
   */
  static start(name: string, script: string, env: Record<string, string>): ChildService {
    const child = spawn(
      process.execPath,
      ['--disable-warning=TimeoutNegativeWarning', join(repoRoot(), 'dist', script)],
      {
        env: { PATH: process.env.PATH ?? '', KAFKA_CLIENT: libraryUnderTest(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new ChildService(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
