import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  mkdtempSync,
  cpSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { waitForKafkaReady } from './kafka-readiness.js';
import { repoRoot } from './repo-root.js';
import { KafkaFaultProxy } from './kafka-fault-proxy.js';

const run = promisify(execFile);

/** Where fetched tools are cached between runs: `EOS_CACHE_DIR`, else ~/.cache/eos-starter. */
export function cacheDir(): string {
  return process.env.EOS_CACHE_DIR ?? join(homedir(), '.cache', 'eos-starter');
}

export function kafkaLibDir(version: string): string {
  return join(cacheDir(), `kafka-${version}`, 'libs');
}

/** Kafka Streams and its dependencies: a folder of its own, so the broker's cache stays as it is. */
export function kafkaStreamsLibDir(version: string): string {
  return join(cacheDir(), `kafka-streams-${version}`, 'libs');
}

/**
 * Arguments of Kafka's StorageTool that format one node. The cluster id is random URL-safe base64
 * and can start with '-'; as a separate argument it would be read as an option (a run failed that
 * way), so it travels as `--cluster-id=<id>`.
 */
export function storageFormatArgs(clusterId: string, propertiesFile: string): string[] {
  return ['kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propertiesFile];
}

/** What local mode lacks on this machine to run Kafka; empty when it can. */
export async function localKafkaMissing(version: string): Promise<string[]> {
  const missing: string[] = [];
  try {
    const { stderr } = await run('java', ['-version']);
    const major = Number(/version "(\d+)/.exec(stderr)?.[1] ?? 0);
    if (major < 17) missing.push(`java >= 17 on PATH (found ${major || 'unknown'})`);
  } catch {
    missing.push('java >= 17 on PATH');
  }
  if (!existsSync(join(kafkaLibDir(version), '.complete'))) {
    try {
      await run('mvn', ['--version']);
    } catch {
      missing.push('mvn on PATH (to fetch org.apache.kafka:kafka_2.13 from Maven Central)');
    }
  }
  return missing;
}

/** Fetches the broker and tools jars with Maven once, into the cache; returns the folder. */
export async function fetchKafka(version: string, log: (line: string) => void): Promise<string> {
  const libDir = kafkaLibDir(version);
  if (existsSync(join(libDir, '.complete'))) return libDir;
  log(`fetching Apache Kafka ${version} from Maven Central (once; cached in ${libDir})`);
  return fetchJars('test/infra/kafka/pom.xml', version, libDir);
}

/** Fetches Kafka Streams of the broker's version with Maven once, into the cache (the benchmark). */
export async function fetchKafkaStreams(
  version: string,
  log: (line: string) => void,
): Promise<string> {
  const libDir = kafkaStreamsLibDir(version);
  if (existsSync(join(libDir, '.complete'))) return libDir;
  log(`fetching Kafka Streams ${version} from Maven Central (once; cached in ${libDir})`);
  return fetchJars('test/infra/kafka/streams-pom.xml', version, libDir);
}

/**
 * Copies the runtime dependencies of `pom` (a repository path) into `libDir`, through a staging
 * folder renamed at the end: `.complete` marks a folder no interrupted fetch left half-filled.
 */
async function fetchJars(pom: string, version: string, libDir: string): Promise<string> {
  const staging = `${libDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(repoRoot(), pom),
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  writeFileSync(join(staging, '.complete'), `${version}\n`);
  rmSync(libDir, { recursive: true, force: true });
  mkdirSync(join(libDir, '..'), { recursive: true });
  renameSync(staging, libDir);
  return libDir;
}

/**
 * Removes data folders of earlier runs whose process is gone (a run killed before its teardown;
 * its brokers died with it through the parent-death signal, but the folders stay).
 */
function sweepAbandonedDirs(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith('eos-kafka-')) continue;
    const dir = join(tmpdir(), entry);
    const pidFile = join(dir, 'owner.pid');
    const owner = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (owner > 0 ? processAlive(owner) : Date.now() - statSync(dir).mtimeMs < 60_000) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A cluster whose client listener is SASL_PLAINTEXT with SCRAM-SHA-512 and whose authorizer
 * denies what no ACL allows. `users` (name → password) are created when the storage is
 * formatted; `admin` is the brokers' own user and the one super user (besides ANONYMOUS, which
 * is what the brokers are on the PLAINTEXT controller listener).
 */
export interface KafkaSaslSetup {
  users: Record<string, string>;
  admin: string;
}

export interface LocalKafkaNode {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
  logFile: string;
  process?: ChildProcess;
  /** With `proxied`: the proxy in front of the node, whose port the node advertises. */
  proxy?: KafkaFaultProxy;
}

/**
 * A KRaft cluster of `size` combined broker+controller nodes on loopback ports, each with a
 * temporary data folder. Nodes can be stopped, killed and started again (fault injection);
 * `stop()` ends them all and removes the folders.
 */
export class LocalKafkaCluster {
  readonly nodes: LocalKafkaNode[];

  private constructor(
    private readonly libDir: string,
    private readonly rootDir: string,
    nodes: LocalKafkaNode[],
    readonly sasl?: KafkaSaslSetup,
    private readonly extraProperties: Record<string, string> = {},
  ) {
    this.nodes = nodes;
  }

  /** kafkajs credentials of one of `sasl.users`. */
  credentials(user: string): { mechanism: 'scram-sha-512'; username: string; password: string } {
    const password = this.sasl?.users[user];
    if (password === undefined) throw new Error(`no Kafka user ${user}`);
    return { mechanism: 'scram-sha-512', username: user, password };
  }

  /**
   * Starts the cluster, once more on fresh ports if the first start does not become ready: a
   * free port can be taken by another process between choosing it and the JVM binding it.
   */
  static async start(options: {
    version: string;
    size?: number;
    log?: (line: string) => void;
    sasl?: KafkaSaslSetup;
    /** Each node behind a `KafkaFaultProxy` that it advertises: clients reach it only through it. */
    proxied?: boolean;
    /** Broker settings added to (or replacing) the ones below, e.g. shorter timeouts for a lab. */
    properties?: Record<string, string>;
  }): Promise<LocalKafkaCluster> {
    try {
      return await LocalKafkaCluster.startOnce(options);
    } catch (error) {
      options.log?.(`local Kafka did not start (${String(error)}); trying once more`);
      return LocalKafkaCluster.startOnce(options);
    }
  }

  private static async startOnce(options: {
    version: string;
    size?: number;
    log?: (line: string) => void;
    sasl?: KafkaSaslSetup;
    proxied?: boolean;
    properties?: Record<string, string>;
  }): Promise<LocalKafkaCluster> {
    const log = options.log ?? (() => undefined);
    const size = options.size ?? 1;
    const libDir = await fetchKafka(options.version, log);
    sweepAbandonedDirs();
    const rootDir = mkdtempSync(join(tmpdir(), 'eos-kafka-'));
    writeFileSync(join(rootDir, 'owner.pid'), String(process.pid));
    const nodes: LocalKafkaNode[] = [];
    for (let nodeId = 1; nodeId <= size; nodeId++) {
      const dataDir = join(rootDir, `node-${nodeId}`);
      const brokerPort = await freePort();
      const proxy = options.proxied
        ? await KafkaFaultProxy.start({ host: '127.0.0.1', port: brokerPort })
        : undefined;
      nodes.push({
        nodeId,
        brokerPort,
        ...(proxy && { proxy }),
        controllerPort: await freePort(),
        dataDir,
        logFile: join(rootDir, `node-${nodeId}.log`),
      });
    }
    const cluster = new LocalKafkaCluster(
      libDir,
      rootDir,
      nodes,
      options.sasl,
      options.properties ?? {},
    );
    try {
      await cluster.format();
      for (const node of nodes) cluster.startNode(node.nodeId);
      const admin = options.sasl && cluster.credentials(options.sasl.admin);
      await waitForKafkaReady(cluster.brokers, size, undefined, admin);
    } catch (error) {
      // The logs go with the data folder: keep their last lines in the error.
      const tails = nodes.map((n) => `node ${n.nodeId}: ${lastLines(n.logFile, 3)}`).join('\n');
      await cluster.stop();
      throw new Error(`local Kafka did not start; last log lines:\n${tails}`, { cause: error });
    }
    return cluster;
  }

  get brokers(): string[] {
    return this.nodes.map((n) => `127.0.0.1:${n.proxy?.port ?? n.brokerPort}`);
  }

  /** The version the broker itself reports in its start-up log ("Kafka version: x.y.z"). */
  reportedVersion(): string | undefined {
    const node = this.nodes[0];
    if (!node || !existsSync(node.logFile)) return undefined;
    return /Kafka version: (\S+)/.exec(readFileSync(node.logFile, 'utf8'))?.[1];
  }

  private node(nodeId: number): LocalKafkaNode {
    const node = this.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`no Kafka node ${nodeId}`);
    return node;
  }

  private propertiesFile(node: LocalKafkaNode): string {
    const size = this.nodes.length;
    const replication = Math.min(size, 3);
    const voters = this.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
    const file = join(this.rootDir, `node-${node.nodeId}.properties`);
    const listener = this.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
    writeFileSync(
      file,
      [
        'process.roles=broker,controller',
        `node.id=${node.nodeId}`,
        `controller.quorum.voters=${voters}`,
        `listeners=${listener}://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
        `advertised.listeners=${listener}://127.0.0.1:${node.proxy?.port ?? node.brokerPort}`,
        'controller.listener.names=CONTROLLER',
        `listener.security.protocol.map=${listener}:${listener},CONTROLLER:PLAINTEXT`,
        `inter.broker.listener.name=${listener}`,
        ...this.saslProperties(),
        `log.dirs=${node.dataDir}`,
        `offsets.topic.replication.factor=${replication}`,
        `transaction.state.log.replication.factor=${replication}`,
        `transaction.state.log.min.isr=${Math.min(size, 2)}`,
        `min.insync.replicas=${Math.min(size, 2)}`,
        `default.replication.factor=${replication}`,
        'group.initial.rebalance.delay.ms=0',
        // How often the coordinator looks for transactions open past their timeout (default
        // 10 s): a test that lets one time out then waits seconds, not tens. Harmless elsewhere.
        'transaction.abort.timed.out.transaction.cleanup.interval.ms=1000',
        'auto.create.topics.enable=false',
        // Later lines win: Java's Properties keeps the last value of a repeated key.
        ...Object.entries(this.extraProperties).map(([key, value]) => `${key}=${value}`),
        '',
      ].join('\n'),
    );
    return file;
  }

  /** SCRAM on the client and inter-broker listener, and an authorizer that denies by default. */
  private saslProperties(): string[] {
    if (!this.sasl) return [];
    const admin = this.credentials(this.sasl.admin);
    return [
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
      `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`,
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      `super.users=User:${admin.username};User:ANONYMOUS`,
      'allow.everyone.if.no.acl.found=false',
    ];
  }

  private async format(): Promise<void> {
    // A KRaft cluster id is 16 random bytes in URL-safe base64 (22 characters).
    const clusterId = randomBytes(16).toString('base64url');
    for (const node of this.nodes) {
      await run(
        'java',
        [
          '-cp',
          `${this.libDir}/*`,
          ...storageFormatArgs(clusterId, this.propertiesFile(node)),
          ...Object.entries(this.sasl?.users ?? {}).flatMap(([name, password]) => [
            '--add-scram',
            `SCRAM-SHA-512=[name=${name},password=${password}]`,
          ]),
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    }
  }

  /** Starts (or restarts) one node's JVM. It is killed with the process that started it. */
  startNode(nodeId: number): void {
    const node = this.node(nodeId);
    const logFd = openSync(node.logFile, 'a');
    const java = [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${join(repoRoot(), 'test/infra/kafka/log4j2.yaml')}`,
      '-cp',
      `${this.libDir}/*`,
      'kafka.Kafka',
      this.propertiesFile(node),
    ];
    // setpriv --pdeathsig: if the test run dies without its teardown, the kernel kills the
    // broker too, so no broker outlives the run.
    const [command, args] = existsSync('/usr/bin/setpriv')
      ? ['/usr/bin/setpriv', ['--pdeathsig', 'KILL', 'java', ...java]]
      : ['java', java];
    node.process = spawn(command, args, { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
  }

  /** Stops one node: SIGTERM for a clean shutdown, SIGKILL for a crash. */
  async stopNode(nodeId: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.node(nodeId).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timeout);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopNode(n.nodeId)));
    await Promise.all(this.nodes.map((n) => n.proxy?.close() ?? Promise.resolve()));
    if (!process.env.EOS_KEEP_KAFKA_DATA) rmSync(this.rootDir, { recursive: true, force: true });
  }

  /**
   * Runs one of Kafka's own command-line tools (a class from the same jars, e.g.
   * `org.apache.kafka.tools.consumer.ConsoleConsumer`) and returns what it printed: an
   * independent client to check what kafkajs reads.
   */
  async runTool(className: string, args: string[]): Promise<string> {
    const { stdout } = await run('java', this.toolArgs('log4j2.yaml', className, args), {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }

  /**
   * Starts one of Kafka's tools like `runTool`, for a caller that reads its output as it comes;
   * the tool logs only warnings, to stderr.
   */
  spawnTool(className: string, args: string[]): ChildProcess {
    return spawn('java', this.toolArgs('tools-log4j2.yaml', className, args), {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  /** The JVM's arguments for one of Kafka's tools, logging as `logConfig` (in test/infra/kafka). */
  private toolArgs(logConfig: string, className: string, args: string[]): string[] {
    return [
      `-Dlog4j2.configurationFile=${join(repoRoot(), 'test/infra/kafka', logConfig)}`,
      '-cp',
      `${this.libDir}/*`,
      className,
      ...args,
    ];
  }

  /** Copies the logs somewhere that outlives `stop()` (for failed runs). */
  saveLogs(toDir: string): void {
    mkdirSync(toDir, { recursive: true });
    for (const n of this.nodes)
      if (existsSync(n.logFile)) cpSync(n.logFile, join(toDir, `kafka-node-${n.nodeId}.log`));
  }
}

function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join(' | ');
}
