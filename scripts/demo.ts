/**
 * `npm run demo`: the demo stack. With a Docker engine it is `docker compose up`; without one it
 * runs the same stack in local mode (Kafka from Maven Central, the local PostgreSQL) as child
 * processes of this script, and stops them all on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { dockerAvailable } from '../test/infra/docker-infra.js';
import { repoRoot } from '../test/infra/repo-root.js';
import { startInfra } from '../test/infra/start-infra.js';

async function main(): Promise<void> {
  if (await dockerAvailable()) {
    const compose = spawn('docker', ['compose', 'up', '--build'], {
      cwd: repoRoot(),
      stdio: 'inherit',
    });
    compose.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  const say = (line: string): void => console.log(`[demo] ${line}`);
  say('no Docker engine: running the stack in local mode');
  const infra = await startInfra({ log: say, env: {} });
  for (const line of infra.summary) say(line);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    void infra.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  say('stack is up; Ctrl-C stops it');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
