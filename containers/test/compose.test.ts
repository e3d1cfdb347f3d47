// `docker compose up` of docker-compose.yaml with the stand-in bases (containers/local-bases.env): every
// service but Grafana (no image of it can be had here) starts, the migrations run once, two API replicas
// serve the app and the API behind nginx, a live-feed WebSocket opened through nginx receives what is
// posted through each replica, the bots post, Prometheus scrapes the replicas and the bots; after
// `down` and `up` the data is still there. Traffic from the test goes to ports published on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { docker, run } from '../docker.ts';
import { REPO } from '../images.ts';
import { hostPort, useEngine } from './support.ts';

useEngine();
const SERVICES = ['postgres', 'migrate', 'api', 'web', 'bots', 'prometheus'];
const project = `flock-test-${randomUUID().slice(0, 8)}`;

async function compose(args: string[], timeoutMs = 120_000) {
  const result = await run(
    inject('compose'),
    [
      '-p',
      project,
      '-f',
      'docker-compose.yaml',
      '-f',
      'containers/test/compose.test.yaml',
      '--env-file',
      'containers/local-bases.env',
      ...args,
    ],
    // Port 0: the engine picks a free port on 127.0.0.1 for each published service.
    {
      cwd: REPO,
      timeoutMs,
      env: { FLOCK_WEB_PORT: '0', FLOCK_PROMETHEUS_PORT: '0', FLOCK_GRAFANA_PORT: '0' },
    },
  );
  if (result.code !== 0)
    throw new Error(`compose ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout;
}

interface PsEntry {
  Name: string;
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}
async function ps(service: string): Promise<PsEntry[]> {
  const out = (await compose(['ps', '-a', '--format', 'json', service])).trim();
  // One JSON object per line (Compose ≥ 2.21), or one array (older).
  return out.startsWith('[')
    ? JSON.parse(out)
    : out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
}

async function waitForServices() {
  await vi.waitFor(
    async () => {
      const [migrate] = await ps('migrate');
      if (migrate?.State === 'exited' && migrate.ExitCode !== 0) {
        throw Object.assign(new Error(`migrate failed:\n${await compose(['logs', 'migrate'])}`), {
          fatal: true,
        });
      }
      for (const service of ['api', 'web', 'bots', 'prometheus']) {
        for (const entry of await ps(service))
          expect(`${service} ${entry.State} ${entry.Health}`).toBe(`${service} running healthy`);
      }
    },
    { timeout: 180_000, interval: 1000 },
  );
}

const migrationNames = readdirSync(join(REPO, 'api/src/db/migrations'))
  .filter((f) => /^Migration\d+_\w+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''));

async function appliedMigrations(): Promise<string[]> {
  const out = await compose([
    'exec',
    '-T',
    'postgres',
    'psql',
    '-U',
    'flock',
    '-d',
    'flock',
    '-At',
    '-c',
    'select name from mikro_orm_migrations order by name',
  ]);
  return out.trim().split('\n').filter(Boolean);
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${body}`);
  return JSON.parse(body) as T;
}

type Message = { id: string; content: string; author: { username: string; bot: boolean } };

describe('docker compose up (every service but Grafana)', () => {
  let web: string;
  let prometheus: string;
  let replicas: string[];
  let token: string;
  let keptMessage: Message;

  beforeAll(async () => {
    await compose(['up', '-d', '--build', ...SERVICES], 600_000);
    await waitForServices();
    const webContainer = (await ps('web'))[0]!.Name;
    web = `http://127.0.0.1:${await hostPort(webContainer, 8080)}`;
    prometheus = `http://127.0.0.1:${await hostPort((await ps('prometheus'))[0]!.Name, 9090)}`;
    replicas = await Promise.all(
      (await ps('api')).map(async (r) => `http://127.0.0.1:${await hostPort(r.Name, 3000)}`),
    );
  }, 900_000);

  afterAll(async () => {
    await compose(['down', '-v', '--remove-orphans', '--timeout', '20'], 180_000).catch((e) =>
      console.error(e),
    );
  }, 200_000);

  it('ran the migrations once, before the API replicas started', async () => {
    const [migrate] = await ps('migrate');
    expect(migrate).toMatchObject({ State: 'exited', ExitCode: 0 });
    const logs = await compose(['logs', '--no-log-prefix', 'migrate']);
    expect(logs).toMatch(/"applied":\["Migration.*"msg":"migrations applied"/);
    expect(await appliedMigrations()).toEqual(migrationNames.sort());
  });

  it('serves the web app and the API through nginx, from two API replicas', async () => {
    expect(replicas).toHaveLength(2);
    const page = await fetch(`${web}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<flock-app');
    const username = `compose_${randomUUID().slice(0, 8)}`;
    const registered = await json<{ token: string }>(`${web}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.com`, password: 'correct horse battery' }),
    });
    token = registered.token;
    for (const replica of replicas) {
      const me = await json<{ username: string }>(`${replica}/api/users/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.username).toBe(username);
    }
  });

  it('delivers what is posted through each replica to a live-feed WebSocket opened through nginx', async () => {
    const ws = new WebSocket(`${web.replace('http', 'ws')}/api/ws`, ['flock.v1', `flock.auth.${token}`]);
    const frames: { type: string; event?: string; data?: Message }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      ws.send(JSON.stringify({ type: 'subscribe', stream: 'public' }));
      await vi.waitFor(() => expect(frames.some((f) => f.type === 'subscribed')).toBe(true), {
        timeout: 10_000,
      });
      const posted: Message[] = [];
      for (const [index, replica] of replicas.entries()) {
        posted.push(
          await json<Message>(`${replica}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ content: `through replica ${index + 1} #compose` }),
          }),
        );
      }
      await vi.waitFor(
        () => {
          const received = frames.filter((f) => f.event === 'message.created').map((f) => f.data!.id);
          for (const message of posted) expect(received).toContain(message.id);
        },
        { timeout: 15_000, interval: 100 },
      );
      keptMessage = posted[0]!;
    } finally {
      ws.close();
    }
  });

  it('has the bots posting', async () => {
    await vi.waitFor(
      async () => {
        const page = await json<{ items: Message[] }>(`${web}/api/messages?limit=100`);
        expect(page.items.some((m) => m.author.bot)).toBe(true);
      },
      { timeout: 90_000, interval: 2000 },
    );
  });

  it('has Prometheus scraping both API replicas and the bots, and their series queryable', async () => {
    await vi.waitFor(
      async () => {
        const targets = await json<{
          data: { activeTargets: { labels: { job: string }; health: string }[] };
        }>(`${prometheus}/api/v1/targets?state=active`);
        const up = (job: string) =>
          targets.data.activeTargets.filter((t) => t.labels.job === job && t.health === 'up').length;
        expect({ api: up('flock-api'), bots: up('flock-bots') }).toEqual({ api: 2, bots: 1 });
        for (const query of ['flock_messages_posted_total', 'flock_bots_active']) {
          const result = await json<{ data: { result: unknown[] } }>(
            `${prometheus}/api/v1/query?query=${query}`,
          );
          expect(result.data.result.length, query).toBeGreaterThan(0);
        }
      },
      { timeout: 120_000, interval: 2000 },
    );
  });

  it('keeps the data across down and up (the pgdata volume), and finds no migration to apply again', async () => {
    await compose(['down', '--timeout', '20'], 180_000);
    expect(await docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '-q'])).toBe(
      '',
    );
    await compose(['up', '-d', ...SERVICES], 300_000);
    await waitForServices();
    web = `http://127.0.0.1:${await hostPort((await ps('web'))[0]!.Name, 8080)}`;
    const message = await json<Message>(`${web}/api/messages/${keptMessage.id}`);
    expect(message.content).toBe(keptMessage.content);
    expect(await compose(['logs', '--no-log-prefix', 'migrate'])).toMatch(/"applied":\[\]/);
    expect(await appliedMigrations()).toEqual(migrationNames.sort());
  });
});
