import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const DEBIAN_BINARIES = '/usr/lib/postgresql';

/**
 * A PostgreSQL server of the chaos run's own (initdb in a temporary folder, a free loopback
 * port), so the run can restart and crash it without touching the machine's shared server.
 * Uses the Debian server binaries; as root, runs them as the `postgres` user (initdb refuses
 * root).
 */
export class LocalPostgres {
  private constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    readonly port: number,
    private readonly settings: Record<string, string>,
  ) {}

  /** The binaries of the newest installed major version, or undefined when there are none. */
  static binaries(): string | undefined {
    if (!existsSync(DEBIAN_BINARIES)) return undefined;
    const majors = readdirSync(DEBIAN_BINARIES)
      .filter((v) => existsSync(join(DEBIAN_BINARIES, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    return majors[0] ? join(DEBIAN_BINARIES, majors[0], 'bin') : undefined;
  }

  /** `settings` are server settings given at every start, e.g. `{ max_connections: '30' }`. */
  static async start(bin: string, settings: Record<string, string> = {}): Promise<LocalPostgres> {
    const dataDir = mkdtempSync(join(tmpdir(), 'eos-postgres-'));
    if (process.getuid?.() === 0) chownSync(dataDir, ...postgresIds());
    const server = new LocalPostgres(bin, dataDir, await freePort(), settings);
    await server.exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    await server.startServer();
    return server;
  }

  /** A server-level URL (database `postgres`); the fixture creates its own databases on it. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** `fast`: a clean shutdown (sessions ended, checkpoint); `immediate`: a crash, recovered from WAL on start. */
  async restart(mode: 'fast' | 'immediate', downMs: number): Promise<void> {
    await this.exec('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w']);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startServer();
  }

  /** Stops the server; `keepData` leaves its folder (and log) for a look after a failed run. */
  async stop({ keepData = false } = {}): Promise<string> {
    await this.exec('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w']).catch(
      () => undefined,
    );
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
    return this.dataDir;
  }

  private async startServer(): Promise<void> {
    const settings = Object.entries(this.settings).map(([name, value]) => `-c ${name}=${value}`);
    const options = [
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dataDir}`,
      ...settings,
    ].join(' ');
    await this.exec('pg_ctl', [
      'start',
      '-D',
      this.dataDir,
      '-w',
      '-l',
      join(this.dataDir, 'server.log'),
      '-o',
      options,
    ]);
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const command = join(this.bin, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
    else await run(command, args);
  }
}

/** The uid and gid of the `postgres` user, who must own the data folder. */
function postgresIds(): [number, number] {
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return [id('-u'), id('-g')];
}
