// `npm start` as a new user meets it (scripts/start.ts, run as `npm start` runs it): one line with the
// address once Flock serves, and a second copy that clashes with the first on a port or on the embedded
// data folder refused with one line naming the variable to change. Copies that share nothing both run.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@flock/testkit/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const startScript = fileURLToPath(new URL('../scripts/start.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'flock-first-run-'));

interface Copy {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const copies: Copy[] = [];

/** scripts/start.ts on the embedded database, without bots or the web app, in its own process. */
function start(settings: { PORT: number; METRICS_PORT: number; dataDir: string }): Copy {
  const child = spawn(process.execPath, [startScript], {
    env: {
      ...process.env,
      PORT: String(settings.PORT),
      METRICS_PORT: String(settings.METRICS_PORT),
      EMBEDDED_DATA_DIR: join(folder, settings.dataDir),
      FLOCK_BOTS: '0',
      WEB_DIST: '',
      DATABASE_URL: '',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const copy = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: once(child, 'exit').then(([code]) => code as number | null),
  };
  copies.push(copy);
  return copy;
}

/** Resolves once `copy` has printed `line` on stdout; fails with its output if it exits first. */
async function printed(copy: Copy, line: string): Promise<void> {
  const seen = () => copy.stdout().split('\n').includes(line);
  while (!seen()) {
    if (copy.child.exitCode !== null)
      throw new Error(`exited (${copy.child.exitCode}) first:\n${copy.stdout()}\n${copy.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(copy: Copy): Promise<number | null> {
  if (copy.child.exitCode === null) copy.child.kill('SIGTERM');
  return copy.exited;
}

const stderrLines = (copy: Copy) =>
  copy
    .stderr()
    .split('\n')
    .filter((line) => line !== '');

let first: Copy;
let ports: { PORT: number; METRICS_PORT: number };

beforeAll(async () => {
  ports = { PORT: await freePort(), METRICS_PORT: await freePort() };
  first = start({ ...ports, dataDir: 'first' });
  await printed(first, `Flock is running at http://localhost:${ports.PORT}`);
}, 120_000);

afterAll(async () => {
  await Promise.all(copies.map(stop));
  rmSync(folder, { recursive: true, force: true });
});

describe('npm start', () => {
  it('says where Flock is, where its data is and how to stop it, once it serves', async () => {
    expect(first.stdout()).toContain(
      `Data: the embedded database in ${join(folder, 'first')}. Press Ctrl+C to stop.`,
    );
    const ready = await fetch(`http://127.0.0.1:${ports.PORT}/readyz`);
    expect(ready.status).toBe(200);
    expect(first.stderr()).toBe('');
  });

  it('refuses a second copy on the same PORT with one line naming PORT', async () => {
    const second = start({ PORT: ports.PORT, METRICS_PORT: await freePort(), dataDir: 'second-port' });
    expect(await second.exited).toBe(1);
    expect(stderrLines(second)).toEqual([
      `flock-api: port ${ports.PORT} is in use (PORT): set PORT to another port`,
    ]);
    expect(second.stdout()).not.toContain('Flock is running');
  });

  it('refuses a second copy on the same METRICS_PORT with one line naming METRICS_PORT', async () => {
    const second = start({
      PORT: await freePort(),
      METRICS_PORT: ports.METRICS_PORT,
      dataDir: 'second-metrics',
    });
    expect(await second.exited).toBe(1);
    expect(stderrLines(second)).toEqual([
      `flock-api: port ${ports.METRICS_PORT} is in use (METRICS_PORT): set METRICS_PORT to another port`,
    ]);
    expect(second.stdout()).not.toContain('Flock is running');
  });

  it('refuses a second copy on the same EMBEDDED_DATA_DIR with one line naming EMBEDDED_DATA_DIR', async () => {
    const second = start({ PORT: await freePort(), METRICS_PORT: await freePort(), dataDir: 'first' });
    expect(await second.exited).toBe(1);
    expect(stderrLines(second)).toEqual([
      `flock-api: the embedded database in ${join(folder, 'first')} is in use by another Flock process (EMBEDDED_DATA_DIR): stop that one, or set EMBEDDED_DATA_DIR to another folder`,
    ]);
  });

  it('runs a second copy with its own PORT, METRICS_PORT and EMBEDDED_DATA_DIR next to the first', async () => {
    const second = { PORT: await freePort(), METRICS_PORT: await freePort() };
    const copy = start({ ...second, dataDir: 'second' });
    await printed(copy, `Flock is running at http://localhost:${second.PORT}`);
    for (const port of [ports.PORT, second.PORT])
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    for (const port of [ports.METRICS_PORT, second.METRICS_PORT])
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    expect(await stop(copy)).toBe(0);
  }, 120_000);

  it('frees the data folder when it stops, for the next start', async () => {
    expect(existsSync(`${join(folder, 'first')}.lock`)).toBe(true);
    expect(await stop(first)).toBe(0);
    expect(existsSync(`${join(folder, 'first')}.lock`)).toBe(false);
    const again = start({ ...ports, dataDir: 'first' });
    await printed(again, `Flock is running at http://localhost:${ports.PORT}`);
    expect(await stop(again)).toBe(0);
  }, 120_000);
});
