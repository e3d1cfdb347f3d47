// flock_active_users while PostgreSQL is away: the gauge has no sample (not a stale one), the rest of the
// scrape still answers, and the figure is back once the database is.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestAppBehindProxy, type TestAppBehindProxy } from './helpers/app.ts';
import { post, signUp } from './helpers/users.ts';

let t: TestAppBehindProxy;

beforeAll(async () => {
  t = await createTestAppBehindProxy({ env: { DB_ACQUIRE_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await t?.close();
});

const scrape = async () => {
  const response = await t.metrics.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body;
};

it('reports no active users while the database is away, and the figure again once it is back', async () => {
  await post(t.app, await signUp(t.app), 'counted');
  expect(await scrape()).toMatch(/^flock_active_users\{window="5m"\} 1$/m);

  await t.proxy.stop();
  const during = await scrape();
  expect(during).not.toMatch(/^flock_active_users\{/m);
  expect(during).toContain('flock_http_request_duration_seconds_bucket');

  await t.proxy.start();
  await expect
    .poll(scrape, { timeout: 10_000, interval: 200 })
    .toMatch(/^flock_active_users\{window="1h"\} 1$/m);
});
