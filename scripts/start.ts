// `npm start`: Flock at http://localhost:3000 on the embedded database (kept in ./.data), or on
// PostgreSQL when DATABASE_URL is set, with a small bot swarm (FLOCK_BOTS, default 5; 0 for none) so the
// feed is alive at once. Once the API serves, one plain line says where; every process it starts stops
// with it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadyMessage } from '../api/src/server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

function run(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  // The bots are a convenience: when they end, Flock itself keeps running.
  options: { essential: boolean } = { essential: true },
): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    // The terminal for their logs; a channel for the API to say it is ready.
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // An API that exits before it is ready has said why itself (a busy port, a bad setting): that one
    // line is all a person needs.
    if (child === api && !apiIsReady && code !== null) return stop(code);
    if (!options.essential) {
      console.error(`flock: ${name} exited (${signal ?? code}); the rest keeps running`);
      return;
    }
    console.error(`flock: ${name} exited (${signal ?? code}); stopping`);
    stop(code ?? 1);
  });
  return child;
}

let stopping = false;
function stop(exitCode = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  ).then(() => process.exit(exitCode));
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

/** The newest modification time under a folder (sources of the web app). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** Builds the web app when its sources changed since the last build; returns the folder to serve. */
function buildWebApp(): string | undefined {
  const web = join(root, 'web');
  const dist = join(web, 'dist');
  if (!existsSync(join(web, 'index.html'))) return undefined;
  const sources = Math.max(
    newest(join(web, 'src')),
    newest(join(web, 'index.html')),
    newest(join(web, 'vite.config.ts')),
  );
  if (!existsSync(join(dist, 'index.html')) || statSync(join(dist, 'index.html')).mtimeMs < sources) {
    console.log('flock: building the web app…');
    execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
  }
  return dist;
}

/** FLOCK_BOTS: how many bots run next to the API (default 5; 0 turns them off). */
function botCount(): number {
  const raw = process.env.FLOCK_BOTS ?? '5';
  if (!/^\d+$/.test(raw) || Number(raw) > 10_000) {
    console.error(`flock: FLOCK_BOTS must be an integer from 0 to 10000 (got ${JSON.stringify(raw)})`);
    process.exit(1);
  }
  return Number(raw);
}

/**
 * Resolves with the API's message once it serves requests (its own word, not an answer on the port, which
 * may be another process's), or undefined when it exits first.
 */
function apiReady(api: ChildProcess): Promise<ReadyMessage | undefined> {
  return Promise.race([
    new Promise<ReadyMessage>((resolve) =>
      api.on('message', (message: ReadyMessage) => {
        if (message.type === 'flock-api-ready') resolve(message);
      }),
    ),
    once(api, 'exit').then(() => undefined),
  ]);
}

const ALL_ADDRESSES = ['0.0.0.0', '::'];
const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];
const urlOf = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/** The line a person waits for: where Flock is, where its data is, how to stop it. */
function announce({ host, port, embeddedDataDir }: ReadyMessage) {
  const local = LOOPBACK.includes(host) || ALL_ADDRESSES.includes(host);
  const everywhere = ALL_ADDRESSES.includes(host)
    ? ` (and on this machine's other addresses: HOST=${host})`
    : '';
  console.log(`Flock is running at ${urlOf(local ? 'localhost' : host, port)}${everywhere}`);
  const data = embeddedDataDir ? `the embedded database in ${embeddedDataDir}` : 'PostgreSQL (DATABASE_URL)';
  console.log(`Data: ${data}. Press Ctrl+C to stop.`);
}

let apiIsReady = false;
const bots = botCount();
const api = run('api', ['api/src/server.ts'], {
  EMBEDDED_DATA_DIR: process.env.EMBEDDED_DATA_DIR ?? `${root}.data/pglite`,
  WEB_DIST: process.env.WEB_DIST ?? buildWebApp(),
});
const ready = await apiReady(api);
if (ready) {
  apiIsReady = true;
  announce(ready);
}

if (ready && bots > 0) {
  // The bots reach the API on loopback unless it listens on one address only.
  const apiUrl = urlOf(ALL_ADDRESSES.includes(ready.host) ? '127.0.0.1' : ready.host, ready.port);
  // Lively rates (a post every few seconds across the swarm) unless the usual bot variables say
  // otherwise; the swarm name and this machine's hostname keep the same accounts across restarts.
  run(
    'bots',
    ['bot-agent/src/main.ts'],
    {
      TARGET_URL: apiUrl,
      BOTS_PER_POD: String(bots),
      SWARM_NAME: process.env.SWARM_NAME ?? 'local',
      POSTS_PER_HOUR: process.env.POSTS_PER_HOUR ?? '120',
      LIKES_PER_HOUR: process.env.LIKES_PER_HOUR ?? '360',
      // Bots follow one another (and people whose messages they see) and reply, so a Home timeline and
      // threads have something in them at once.
      FOLLOWS_PER_HOUR: process.env.FOLLOWS_PER_HOUR ?? '20',
      REPLIES_PER_HOUR: process.env.REPLIES_PER_HOUR ?? '60',
      TAG_POOL: process.env.TAG_POOL ?? 'flock,birds,kubernetes,typescript,hello',
      // METRICS_PORT is the API's; the bots take any free port (logged) unless told one.
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: process.env.FLOCK_BOTS_METRICS_PORT ?? '0',
      LOG_LEVEL: process.env.FLOCK_BOTS_LOG_LEVEL ?? 'info',
    },
    { essential: false },
  );
  console.log(`flock: ${bots} bots are posting (FLOCK_BOTS=0 turns them off)`);
}
