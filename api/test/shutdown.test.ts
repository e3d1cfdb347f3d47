// SIGTERM: readiness fails at once, requests already accepted complete, the process exits in time.

import { startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from './helpers/users.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('graceful shutdown', () => {
  it('drains in-flight requests, fails readiness, closes the database and exits 0 within the grace period', async () => {
    const api = await startApiProcess({
      DATABASE_URL: database.url,
      JWT_SECRET: 'x'.repeat(40),
      SHUTDOWN_DELAY_MS: '500',
      SHUTDOWN_GRACE_MS: '10000',
    });
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);

    // Registrations are slow on purpose (Argon2id): plenty are still in flight when SIGTERM lands.
    const inFlight = Array.from({ length: 8 }, () => {
      const username = uniqueName();
      return fetch(`${api.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username,
          email: `${username}@example.test`,
          password: 'long enough password',
        }),
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const signalledAt = performance.now();
    api.child.kill('SIGTERM');

    await new Promise((resolve) => setTimeout(resolve, 100));
    const readiness = await fetch(`${api.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'shutting down' });

    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));

    const exit = await api.exited;
    expect(exit.code, api.output().slice(-3000)).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_500);
    expect(api.output()).toContain('"msg":"shutting down"');
  });

  it('refuses to start with a clear message for each bad variable', async () => {
    await expect(
      startApiProcess({ DATABASE_URL: 'postgresql://127.0.0.1:1/none', PORT: 'x' }),
    ).rejects.toThrow(/PORT: must be an integer/);
  });
});
