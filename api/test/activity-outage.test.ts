// flock_active_users while PostgreSQL is away: the gauge has no sample (not a stale one), the rest of the
// scrape still answers, and the figure is back once the database is.

import { startTcpProxy, type TcpProxy } from '@flock/testkit/tcp-proxy';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp } from './helpers/users.ts';

let t: TestApp;
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  t = await createTestApp({
    env: { DB_ACQUIRE_TIMEOUT_MS: '1000' },
    routeDatabase: (url) => {
      const routed = new URL(url);
      routed.port = String(proxy.port);
      return routed.toString();
    },
  });
});
afterAll(async () => {
  await proxy?.start();
  await t?.close();
  await proxy?.close();
});

const scrape = async () => {
  const response = await t.metrics.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body;
};

it('reports no active users while the database is away, and the figure again once it is back', async () => {
  await post(t.app, await signUp(t.app), 'counted');
  expect(await scrape()).toMatch(/^flock_active_users\{window="5m"\} 1$/m);

  await proxy.stop();
  const during = await scrape();
  expect(during).not.toMatch(/^flock_active_users\{/m);
  expect(during).toContain('flock_http_request_duration_seconds_bucket');

  await proxy.start();
  await expect
    .poll(scrape, { timeout: 10_000, interval: 200 })
    .toMatch(/^flock_active_users\{window="1h"\} 1$/m);
});
