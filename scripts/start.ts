// `npm start`: Flock at http://localhost:3000 on the embedded database (kept in ./.data), or on
// PostgreSQL when DATABASE_URL is set. Every process it starts stops with it.
import { type ChildProcess, spawn } from 'node:child_process';
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

run('api', ['api/src/server.ts'], {
  EMBEDDED_DATA_DIR: process.env.EMBEDDED_DATA_DIR ?? `${root}.data/pglite`,
});
