// Tried as a new user would: clone the repository, run `npm start`, and use the API.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from '@flock/testkit/accounts';
import { freePort } from '@flock/testkit/ports';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const workdir = mkdtempSync(join(tmpdir(), 'flock-clone-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    // npm does not pass the signal on to the processes it started: stop the whole process group.
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  rmSync(workdir, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('starts with `npm start` and serves the API', async () => {
    execFileSync('git', ['clone', '--quiet', repo, workdir]);
    const [port, metricsPort] = [await freePort(), await freePort()];
    // The system's npm and node, as a new user has them: `npm start` must bring everything else.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      FLOCK_BOTS: '0',
    };
    for (const key of Object.keys(env)) if (key.startsWith('npm_') || key === 'NODE_OPTIONS') delete env[key];
    env.PATH = (env.PATH ?? '')
      .split(':')
      .filter((dir) => !dir.includes('node_modules'))
      .join(':');
    child = spawn('npm', ['start'], { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));

    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 8 * 60_000;
    let ready = false;
    while (!ready && Date.now() < deadline && child.exitCode === null) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(ready, output.slice(-3000)).toBe(true);

    const { token } = await register(base, {
      username: 'newcomer',
      email: 'newcomer@example.test',
      password: 'first password',
    });
    const messages = await fetch(`${base}/api/messages`, { headers: { authorization: `Bearer ${token}` } });
    expect(messages.status).toBe(200);
    expect(await messages.json()).toHaveProperty('items');
    expect(output).toContain('embedded');
  });
});
