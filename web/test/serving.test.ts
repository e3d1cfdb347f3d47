// How the API serves the built app (api/src/plugins/web-app.ts): client routes get index.html, hashed
// assets are cached for a year, index.html is revalidated, /api stays JSON, and the CSP holds.
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { systemUnderTest } from './helpers/flock.ts';

const system = systemUnderTest({ browser: false });

const get = (path: string, accept = 'text/html,application/xhtml+xml') =>
  fetch(new URL(path, system.flock.url), { headers: { accept } });

test('client-side routes are answered with the app', async () => {
  for (const path of ['/', '/login', '/tags/lit', '/users/ada_lovelace?x=1']) {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const body = await response.text();
    expect(body).toContain('<flock-app>');
    // No inline script: every <script> has a src.
    expect(body.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  }
});

test('hashed assets are immutable; other files and misses are not', async () => {
  const html = await (await get('/')).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const asset = await get(script!, '*/*');
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toMatch(/javascript/);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

  const icon = await get('/favicon.svg', 'image/*');
  expect(icon.status).toBe(200);
  expect(icon.headers.get('cache-control')).toBe('no-cache');

  expect((await get('/assets/missing-abcdefgh.js', '*/*')).status).toBe(404);
  expect((await get('/no-such-picture.png', 'image/*')).status).toBe(404);
});

test('/api keeps its own 404s, even for a browser', async () => {
  for (const path of ['/api', '/api/nope', '/api/messages/1/nothing']) {
    const response = await get(path);
    expect(response.status, path).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  }
});

test('the production JavaScript stays small (≤ 60 KB gzipped)', async () => {
  const html = await (await get('/')).text();
  const scripts = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  let gzipped = 0;
  for (const script of scripts) {
    gzipped += gzipSync(Buffer.from(await (await get(script, '*/*')).arrayBuffer()), { level: 9 }).length;
  }
  expect(gzipped).toBeGreaterThan(0);
  expect(gzipped).toBeLessThanOrEqual(60 * 1024);
});
