// Builds @confluentinc/kafka-javascript's native module (its bundled librdkafka) from source,
// once, when the installed one does not load or lacks a feature the project uses.
//
// Why not the package's own install script: it downloads a prebuilt binary from GitHub, and its
// fallback build downloads OpenSSL; neither registry is npm, so package.json turns that script
// off (allowScripts) and this root postinstall builds against the system's libraries instead
// (CKJS_LINKING=dynamic). The Debian packages it needs: build-essential python3 pkg-config
// libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev (.ci/run and the Dockerfile install
// them). The headers come from the Node that runs this script, not from an npmrc `nodedir`.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const name = '@confluentinc/kafka-javascript';
const needed = ['ssl', 'sasl_scram', 'gzip', 'lz4', 'zstd'];

/** The features librdkafka was built with, or null when the module does not load. */
function builtFeatures() {
  const probe = spawnSync(
    process.execPath,
    ['-e', `console.log(require(${JSON.stringify(name)}).features.join(','))`],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? probe.stdout.trim().split(',') : null;
}

let packageDir;
try {
  packageDir = dirname(require.resolve(`${name}/package.json`));
} catch {
  process.exit(0); // not installed (e.g. npm ci --omit=optional): nothing to build
}

const before = builtFeatures();
if (before && needed.every((f) => before.includes(f))) process.exit(0);

/** npm's own node-gyp: npm names it to the scripts it runs; else beside the npm that runs us. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const npmCli = process.env.npm_execpath;
  if (!npmCli) throw new Error('run me through npm (npm rebuild, npm ci)');
  return join(dirname(dirname(npmCli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

const nodeDir = dirname(dirname(process.execPath));
console.log(`[confluent-native] building ${name}'s librdkafka from source (about a minute)`);
const started = Date.now();
// The compiler's output (hundreds of warnings) goes to a file, shown only when the build fails.
const logFile = join(mkdtempSync(join(tmpdir(), 'confluent-native-')), 'build.log');
const log = openSync(logFile, 'w');
const build = spawnSync(process.execPath, [nodeGyp(), 'rebuild', `--nodedir=${nodeDir}`], {
  cwd: packageDir,
  stdio: ['ignore', log, log],
  env: { ...process.env, CKJS_LINKING: 'dynamic', npm_config_nodedir: nodeDir },
});
closeSync(log);
if (build.status !== 0) {
  process.stderr.write(readFileSync(logFile));
  console.error(
    `[confluent-native] the build failed (status ${build.status}). It needs the Debian packages ` +
      'build-essential python3 pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev.',
  );
  process.exit(1);
}
const after = builtFeatures();
const missing = needed.filter((f) => !after?.includes(f));
if (missing.length > 0) {
  console.error(`[confluent-native] built, but without: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(
  `[confluent-native] built in ${Math.round((Date.now() - started) / 1000)} s with ${needed.join(', ')}`,
);
