// A Docker engine for the container tests and for anyone without one running. The engine that answers
// (DOCKER_HOST, else the default socket) is used as it is. Otherwise Debian's dockerd (installed from
// the docker.io package when this is Debian and we are root) is started with a data root of its own in
// the cache directory, so base images and build layers survive between runs, and it is stopped again by
// whoever started it. `node containers/engine.ts start|stop` does the same by hand.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { flockCacheDir } from '@flock/tools/cache';

const RUN_DIR = '/run/flock-docker';
const OWN_HOST = `unix://${RUN_DIR}/docker.sock`;
const PID_FILE = join(RUN_DIR, 'dockerd.pid');

export interface Engine {
  /** What DOCKER_HOST must be for the docker CLI and Compose to reach this engine. */
  dockerHost: string | undefined;
  /** True when this call started dockerd: then stop() stops it. */
  started: boolean;
  stop(): Promise<void>;
}

/** The engine's API version when one answers at `host` (undefined: the default socket), else null. */
function answers(host: string | undefined): string | null {
  const env = { ...process.env };
  if (host) env.DOCKER_HOST = host;
  else delete env.DOCKER_HOST;
  const result = spawnSync('docker', ['version', '--format', '{{.Server.APIVersion}}'], {
    env,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.status === 0 ? result.stdout.trim() : null;
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function installDebianEngine(log: (line: string) => void) {
  const packages = ['docker.io', 'iptables'];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    throw new Error(
      `no Docker engine answers and dockerd is not installed; install one, e.g. (Debian, as root): ${command}`,
    );
  }
  log(`flock: installing Debian's Docker engine (${command})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`could not install the Docker engine; run: ${command}`);
  }
}

async function startOwnEngine(log: (line: string) => void): Promise<void> {
  if (!hasCommand('dockerd')) installDebianEngine(log);
  if (!hasCommand('docker'))
    throw new Error('the docker command-line client is missing (Debian: apt-get install docker.io)');
  if (process.getuid?.() !== 0)
    throw new Error('starting dockerd needs root; start a Docker engine and set DOCKER_HOST');
  const dataRoot = flockCacheDir('docker');
  mkdirSync(dataRoot, { recursive: true });
  mkdirSync(RUN_DIR, { recursive: true });
  const logFile = join(RUN_DIR, 'dockerd.log');
  log(`flock: starting a Docker engine (data in ${dataRoot}, log ${logFile})…`);
  const out = openSync(logFile, 'a');
  const dockerd = spawn(
    'dockerd',
    [
      `--host=${OWN_HOST}`,
      `--data-root=${dataRoot}`,
      `--exec-root=${join(RUN_DIR, 'exec')}`,
      `--pidfile=${PID_FILE}`,
      // Its own containerd state too, so it never meets a containerd of the machine's.
      `--containerd-namespace=flock`,
      `--containerd-plugins-namespace=flock-plugins`,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  dockerd.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (answers(OWN_HOST)) return;
    if (dockerd.exitCode !== null) break;
    await sleep(500);
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`dockerd did not start within 60 s; the end of ${logFile}:\n${tail}`);
}

async function stopOwnEngine(): Promise<void> {
  if (!existsSync(PID_FILE)) return;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    rmSync(PID_FILE, { force: true });
    return;
  }
  // dockerd stops its containers (10 s each at most) and its containerd before it exits.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(250);
  }
  process.kill(pid, 'SIGKILL');
}

/** An engine that answers: the machine's own, or one started here (see the top of this file). */
export async function ensureEngine(log = (line: string) => console.log(line)): Promise<Engine> {
  const configured = process.env.DOCKER_HOST || undefined;
  if (answers(configured)) return { dockerHost: configured, started: false, stop: async () => {} };
  if (!configured && answers(OWN_HOST)) return { dockerHost: OWN_HOST, started: false, stop: async () => {} };
  if (configured && configured !== OWN_HOST) {
    throw new Error(`DOCKER_HOST=${configured} does not answer; start that engine, or unset DOCKER_HOST`);
  }
  await startOwnEngine(log);
  return { dockerHost: OWN_HOST, started: true, stop: stopOwnEngine };
}

if (import.meta.main) {
  const command = process.argv[2];
  if (command === 'start') {
    const engine = await ensureEngine((line) => console.error(line));
    console.log(
      engine.dockerHost ? `export DOCKER_HOST=${engine.dockerHost}` : '# the default engine answers',
    );
  } else if (command === 'stop') {
    await stopOwnEngine();
  } else {
    console.error('usage: node containers/engine.ts start|stop');
    process.exit(2);
  }
}
