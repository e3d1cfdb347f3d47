// web/nginx.conf with Debian's nginx: `nginx -t`, then nginx serving the built app in front of a live
// API (on a fresh PostgreSQL database): the app loads, /api works, and a WebSocket message flows through.
// The config runs as shipped except for what a container supplies: the API's address (flock-api:3000),
// the listen port, the document root and the /tmp paths, each rewritten exactly once in a temporary copy.
// Two more copies put nginx in front of an API that is not there (a closed port) and one that never
// answers (with proxy_read_timeout, rewritten once too, cut to a second), for nginx's own 502 and 504.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { register } from '@flock/testkit/accounts';
import { type ApiProcess, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { freePort } from '@flock/testkit/ports';
import { run } from '@flock/testkit/processes';
import { REPO } from '@flock/testkit/repo';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { httpOk, type Proc } from './support.ts';

let tmp: string;
let db: TestDatabase;
let api: ApiProcess;
let nginx: Proc;
let base = '';
let configFile = '';
/** nginx in front of a closed port, and in front of a server that accepts and never answers. */
let unreachable: Proc | undefined;
let silent: Proc | undefined;
let unreachableBase = '';
let silentBase = '';
let silentServer: Server | undefined;
const silentSockets = new Set<Socket>();

function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`web/nginx.conf: expected "${from}" once, found it ${count} times`);
  return text.replace(from, to);
}

/** A copy of web/nginx.conf whose writable paths are in `dir`, in front of `apiHostPort`. */
async function localConfig(
  dir: string,
  apiHostPort: string,
  port: number,
  root: string,
  options: { readTimeout?: string } = {},
): Promise<string> {
  let text = await readFile(join(REPO, 'web/nginx.conf'), 'utf8');
  // First the container's writable /tmp (pid, temp files), then the paths that may themselves be in /tmp.
  text = text.replaceAll('/tmp/', `${dir}/`);
  text = replaceOnce(text, 'server flock-api:3000;', `server ${apiHostPort};`);
  text = replaceOnce(text, 'listen 8080 default_server;', `listen 127.0.0.1:${port} default_server;`);
  text = replaceOnce(text, 'root /usr/share/nginx/html;', `root ${root};`);
  if (options.readTimeout)
    text = replaceOnce(text, 'proxy_read_timeout 600s;', `proxy_read_timeout ${options.readTimeout};`);
  const file = join(dir, `nginx-${port}.conf`);
  await writeFile(file, text);
  return file;
}

/** nginx on a copy of the config in a folder of its own, once it answers its health check. */
async function startNginx(
  name: string,
  apiHostPort: string,
  options: { readTimeout?: string } = {},
): Promise<{ proc: Proc; base: string; configFile: string }> {
  const dir = name === 'main' ? tmp : join(tmp, name);
  await mkdir(dir, { recursive: true });
  // When the tests run as root, nginx's workers run as `nobody` and must reach these files.
  await chmod(dir, 0o755);
  const port = await freePort();
  const file = await localConfig(dir, apiHostPort, port, inject('webDist'), options);
  // Standard output and error are files, as in a container (a socket cannot be opened as /dev/stdout).
  const log = openSync(join(dir, 'nginx.log'), 'a');
  const child = spawn('nginx', ['-c', file, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
    stdio: ['ignore', log, log],
  });
  const exited = once(child, 'exit');
  const proc: Proc = {
    child,
    output: () => readFileSync(join(dir, 'nginx.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`nginx (${name})`, () => httpOk(`${url}/nginx-health`), {
      timeoutMs: 15_000,
      describe: proc.output,
    });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { proc, base: url, configFile: file };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'flock-deploy-nginx-'));
  db = await createTestDatabase();
  api = await startApiProcess({
    DATABASE_URL: db.url,
    JWT_SECRET: TEST_JWT_SECRET,
  });
  ({ proc: nginx, base, configFile } = await startNginx('main', new URL(api.url).host));

  // Nothing listens on a port just found free.
  ({ proc: unreachable, base: unreachableBase } = await startNginx(
    'unreachable',
    `127.0.0.1:${await freePort()}`,
  ));
  silentServer = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  silentServer.listen(0, '127.0.0.1');
  await once(silentServer, 'listening');
  const silentPort = (silentServer.address() as { port: number }).port;
  ({ proc: silent, base: silentBase } = await startNginx('silent', `127.0.0.1:${silentPort}`, {
    readTimeout: '1s',
  }));
});

afterAll(async () => {
  await nginx?.stop();
  await unreachable?.stop();
  await silent?.stop();
  for (const socket of silentSockets) socket.destroy();
  if (silentServer) await new Promise((resolve) => silentServer!.close(resolve));
  if (api) {
    api.child.kill('SIGTERM');
    await api.exited;
  }
  await db?.drop();
  await rm(tmp, { recursive: true, force: true });
});

/** An answer in the API's one error shape, with exactly `code` and a message, as JSON. */
async function expectApiError(response: Response, status: number, code: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

/** nginx's own HTML page for `status`. */
async function expectNginxPage(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('text/html');
  expect(await response.text()).toContain('<center>nginx</center>');
}

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
    const { token } = await register(base, {
      username: 'via_nginx',
      email: 'via@example.com',
      password: 'a long passphrase 42',
    });

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

  it("answers its own refusals under /api in the API's error shape, and elsewhere with its own pages", async () => {
    // A body over client_max_body_size (64k), refused before the API sees it.
    const body = JSON.stringify({ content: 'x'.repeat(70_000) });
    const headers = { 'content-type': 'application/json' };
    await expectApiError(
      await fetch(`${base}/api/messages`, { method: 'POST', headers, body }),
      413,
      'BODY_TOO_LARGE',
    );
    await expectNginxPage(await fetch(`${base}/`, { method: 'POST', headers, body }), 413);
    // A request line over nginx's 8k header buffer.
    const long = 'a'.repeat(9_000);
    await expectApiError(await fetch(`${base}/api/messages?tag=${long}`), 414, 'URI_TOO_LONG');
    await expectNginxPage(await fetch(`${base}/tags/${long}`), 414);
    // One header line over that buffer: nginx's 494, which it sends as 400; the API says 431 for the same.
    const big = { 'x-padding': long };
    await expectApiError(
      await fetch(`${base}/api/tags/trending`, { headers: big }),
      431,
      'HEADERS_TOO_LARGE',
    );
    await expectNginxPage(await fetch(`${base}/`, { headers: big }), 400);
    // Header lines nginx takes, together over Node's 16 KiB: the API's own 431, passed through.
    const many = { 'x-a': 'a'.repeat(7_000), 'x-b': 'b'.repeat(7_000), 'x-c': 'c'.repeat(7_000) };
    const fromApi = await fetch(`${base}/api/tags/trending`, { headers: many });
    expect(fromApi.headers.get('content-type')).toBe('application/json; charset=utf-8');
    await expectApiError(fromApi, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers 502 in the error shape, with Retry-After, when the API is unreachable', async () => {
    const response = await fetch(`${unreachableBase}/api/tags/trending`);
    expect(response.headers.get('retry-after')).toBe('1');
    await expectApiError(response, 502, 'UNAVAILABLE');
    // The app itself is still served.
    expect((await fetch(`${unreachableBase}/`)).status).toBe(200);
  });

  it('answers 504 in the error shape, with Retry-After, when the API accepts and never answers', async () => {
    const response = await fetch(`${silentBase}/api/tags/trending`);
    expect(response.headers.get('retry-after')).toBe('1');
    await expectApiError(response, 504, 'UNAVAILABLE');
    expect(silent?.output()).toContain('upstream timed out');
  });
});
