// `npm start`: Flock at http://localhost:3000 on the embedded database (kept in ./.data), or on
// PostgreSQL when DATABASE_URL is set, with a small bot swarm (FLOCK_BOTS, default 5; 0 for none) so the
// feed is alive at once. Every process it starts stops with it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    stdio: 'inherit',
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
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

/** Resolves when the API answers /readyz, so the bots' first sign-in finds it up. */
async function apiReady(url: string, api: ChildProcess): Promise<boolean> {
  while (!stopping && api.exitCode === null) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const bots = botCount();
const api = run('api', ['api/src/server.ts'], {
  EMBEDDED_DATA_DIR: process.env.EMBEDDED_DATA_DIR ?? `${root}.data/pglite`,
  WEB_DIST: process.env.WEB_DIST ?? buildWebApp(),
});

if (bots > 0) {
  const host =
    process.env.HOST && !['0.0.0.0', '::'].includes(process.env.HOST) ? process.env.HOST : '127.0.0.1';
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${process.env.PORT || '3000'}`;
  if (await apiReady(apiUrl, api)) {
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
}
