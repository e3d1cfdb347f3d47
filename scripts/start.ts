// `npm start`: Flock at http://localhost:3000 on the embedded database (kept in ./.data), or on
// PostgreSQL when DATABASE_URL is set. Every process it starts stops with it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

function run(name: string, args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
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

run('api', ['api/src/server.ts'], {
  EMBEDDED_DATA_DIR: process.env.EMBEDDED_DATA_DIR ?? `${root}.data/pglite`,
  WEB_DIST: process.env.WEB_DIST ?? buildWebApp(),
});
