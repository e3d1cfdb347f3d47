// web/nginx.conf with Debian's nginx: `nginx -t`, then nginx serving the built app in front of a live
// API (on a fresh PostgreSQL database): the app loads, /api works, and a WebSocket message flows through.
// The config runs as shipped except for what a container supplies: the API's address (flock-api:3000),
// the listen port, the document root and the /tmp paths, each rewritten exactly once in a temporary copy.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../../api/test/helpers/database.ts';
import { type ApiProcess, startApiProcess } from '../../api/test/helpers/process.ts';
import { freePort, httpOk, type Proc, REPO, run, waitFor } from './support.ts';

let tmp: string;
let db: TestDatabase;
let api: ApiProcess;
let nginx: Proc;
let base = '';
let configFile = '';

function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`web/nginx.conf: expected "${from}" once, found it ${count} times`);
  return text.replace(from, to);
}

async function localConfig(apiHostPort: string, port: number, root: string): Promise<string> {
  let text = await readFile(join(REPO, 'web/nginx.conf'), 'utf8');
  // First the container's writable /tmp (pid, temp files), then the paths that may themselves be in /tmp.
  text = text.replaceAll('/tmp/', `${tmp}/`);
  text = replaceOnce(text, 'server flock-api:3000;', `server ${apiHostPort};`);
  text = replaceOnce(text, 'listen 8080 default_server;', `listen 127.0.0.1:${port} default_server;`);
  text = replaceOnce(text, 'root /usr/share/nginx/html;', `root ${root};`);
  const file = join(tmp, `nginx-${port}.conf`);
  await writeFile(file, text);
  return file;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'flock-deploy-nginx-'));
  // When the tests run as root, nginx's workers run as `nobody` and must reach these files.
  await chmod(tmp, 0o755);
  db = await createTestDatabase();
  api = await startApiProcess({
    DATABASE_URL: db.url,
    JWT_SECRET: 'deploy-test-jwt-secret-0123456789abcdef',
  });
  const port = await freePort();
  configFile = await localConfig(new URL(api.url).host, port, inject('webDist'));
  // Standard output and error are files, as in a container (a socket cannot be opened as /dev/stdout).
  const log = openSync(join(tmp, 'nginx.log'), 'a');
  const child = spawn('nginx', ['-c', configFile, '-e', join(tmp, 'error.log'), '-g', 'daemon off;'], {
    stdio: ['ignore', log, log],
  });
  const exited = once(child, 'exit');
  nginx = {
    child,
    output: () => readFileSync(join(tmp, 'nginx.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
  base = `http://127.0.0.1:${port}`;
  await waitFor('nginx', () => httpOk(`${base}/nginx-health`), 15_000, nginx.output);
});

afterAll(async () => {
  await nginx?.stop();
  if (api) {
    api.child.kill('SIGTERM');
    await api.exited;
  }
  await db?.drop();
  await rm(tmp, { recursive: true, force: true });
});

describe('web/nginx.conf', () => {
  it('passes nginx -t', async () => {
    // Output to a file, as in a container (/dev/stdout cannot be opened on a socket).
    const out = join(tmp, 'nginx-t.log');
    const child = spawn('nginx', ['-t', '-c', configFile, '-e', join(tmp, 'error.log')], {
      stdio: ['ignore', openSync(out, 'w'), openSync(out, 'a')],
    });
    const [code] = await once(child, 'exit');
    expect(readFileSync(out, 'utf8')).toContain('test is successful');
    expect(code).toBe(0);
  });

  it('serves the app with security headers; client routes get index.html', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('server')).toBe('nginx');
    const html = await response.text();
    expect(html).toContain('<flock-app');
    const route = await fetch(`${base}/users/ada`);
    expect(route.status).toBe(200);
    expect(await route.text()).toBe(html);
  });

  it('serves hashed assets gzipped and cached for a year', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const response = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toContain('javascript');
    // fetch decodes gzip itself; ask again with a raw request to see the encoding on the wire.
    const raw = await run('curl', [
      '-sS',
      '-D',
      '-',
      '-o',
      join(tmp, 'asset.gz'),
      '-H',
      'Accept-Encoding: gzip',
      `${base}${script}`,
    ]);
    expect(raw.stdout.toLowerCase()).toContain('content-encoding: gzip');
    const decoded = gunzipSync(await readFile(join(tmp, 'asset.gz'))).toString();
    expect(decoded).toBe(await response.text());
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
  });

  it('proxies the API (its own JSON, its own errors) and never the metrics', async () => {
    const trending = await fetch(`${base}/api/tags/trending`);
    expect(trending.status).toBe(200);
    expect(await trending.json()).toEqual([]);
    const missing = await fetch(`${base}/api/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBeTruthy();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).not.toContain('flock_http_request_duration_seconds');
  });

  it('carries the live feed: subprotocol auth, Origin check and an event, through nginx', async () => {
    const register = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'via_nginx',
        email: 'via@example.com',
        password: 'a long passphrase 42',
      }),
    });
    expect(register.status).toBe(201);
    const { token } = (await register.json()) as { token: string };

    // A foreign Origin is refused: nginx passes the Host the browser used, which the API compares with.
    const refused = await new Promise<number>((resolve) => {
      const bad = new WebSocket(`${base.replace('http', 'ws')}/api/ws`, ['flock.v1', `flock.auth.${token}`], {
        origin: 'https://evil.example',
      });
      bad.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      bad.on('open', () => resolve(101));
    });
    expect(refused).toBe(403);

    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws`, ['flock.v1', `flock.auth.${token}`], {
      origin: base,
    });
    const frames: { type: string; [key: string]: unknown }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('flock.v1');
    ws.send(JSON.stringify({ type: 'subscribe', stream: 'public' }));
    await waitFor('subscribed', async () => frames.some((f) => f.type === 'subscribed'));
    const posted = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'through nginx #proxy' }),
    });
    expect(posted.status).toBe(201);
    const event = await waitFor('the live event', async () =>
      frames.find((f) => f.type === 'event' && f.event === 'message.created'),
    );
    expect(event.data).toMatchObject({
      content: 'through nginx #proxy',
      tags: ['proxy'],
      author: { username: 'via_nginx' },
    });
    expect(frames[0]).toMatchObject({ type: 'welcome', username: 'via_nginx' });
    ws.close();
  });
});
