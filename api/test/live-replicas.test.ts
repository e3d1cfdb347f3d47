// Two real API processes on one PostgreSQL: events cross replicas through LISTEN/NOTIFY, a client that
// resumes on the other replica misses nothing, and SIGTERM sends 1001.

import type { AuthResponse, Message } from '@flock/shared';
import { type ApiProcess, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import { connectLive, type LiveClient } from '@flock/testkit/live-client';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from './helpers/users.ts';

let database: TestDatabase;
let replicas: ApiProcess[];
const env = () => ({
  DATABASE_URL: database.url,
  JWT_SECRET: TEST_JWT_SECRET,
  AUTH_RATE_LIMIT_MAX: '10000',
  LOG_LEVEL: 'info',
});

beforeAll(async () => {
  database = await createTestDatabase();
  // The first applies the migrations; the second finds them applied.
  replicas = [await startApiProcess(env())];
  replicas.push(await startApiProcess(env()));
});
afterAll(async () => {
  for (const replica of replicas ?? []) if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
  await Promise.all((replicas ?? []).map((replica) => replica.exited));
  await database?.drop();
});

async function register(base: string): Promise<string> {
  const username = uniqueName();
  const response = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.test`, password: 'long enough password' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as AuthResponse).token;
}

async function postVia(base: string, token: string, content: string): Promise<Message> {
  const response = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ content }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Message;
}

const ids = (client: LiveClient, tag: string) =>
  client.events('public').filter((e) => e.event === 'message.created' && e.data.content.includes(tag));

const ascendingUnique = (values: string[]) =>
  values.every((value, index) => index === 0 || BigInt(value) > BigInt(values[index - 1]!));

describe('across replicas', () => {
  it('shows every message posted through either replica to subscribers on both, in id order, once', async () => {
    const [a, b] = replicas.map((replica) => replica.url) as [string, string];
    const token = await register(a);
    const watchers = [await connectLive(a, token), await connectLive(b, token)];
    for (const watcher of watchers) await watcher.subscribe('public');

    const posted: Message[] = [];
    for (let i = 0; i < 40; i++) posted.push(await postVia(i % 2 ? b : a, token, `cross ${i} #both`));
    for (const watcher of watchers) {
      await watcher.waitFor(() => ids(watcher, '#both').length >= 40, 10_000, 'all 40 messages');
      const seen = ids(watcher, '#both');
      expect(seen.map((e) => e.data.id)).toEqual(posted.map((m) => m.id));
      expect(ascendingUnique(seen.map((e) => e.id))).toBe(true);
      await watcher.close();
    }
  });

  it('resumes on the other replica with exactly the missed events, under overlapping writers, every round', async () => {
    const [a, b] = replicas.map((replica) => replica.url) as [string, string];
    const writers = await Promise.all(Array.from({ length: 10 }, () => register(a)));
    const reader = await register(b);
    for (let round = 0; round < 3; round++) {
      const tag = `#round${round}`;
      const first = await connectLive(round % 2 ? b : a, reader);
      await first.subscribe('public');
      const marker = await postVia(a, writers[0]!, `marker ${tag}`);
      const lastSeen = await first.waitFor(() => first.events('public').find((e) => e.data.id === marker.id));
      await first.close();

      // 10 writers, 20 posts each, through both replicas at once: their transactions overlap and commit
      // out of id order.
      const posted = (
        await Promise.all(
          writers.map(async (token, w) => {
            const mine: Message[] = [];
            for (let i = 0; i < 20; i++)
              mine.push(await postVia((w + i) % 2 ? b : a, token, `missed ${w}.${i} ${tag}`));
            return mine;
          }),
        )
      ).flat();

      const again = await connectLive(round % 2 ? a : b, reader);
      await again.subscribe('public', lastSeen.id);
      await again.waitFor(
        () => ids(again, tag).length >= 200,
        15_000,
        `the 200 missed messages of round ${round}`,
      );
      // Nothing arrives twice, a moment later either.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const received = ids(again, tag).filter((e) => e.data.id !== marker.id);
      expect(received).toHaveLength(200);
      expect(new Set(received.map((e) => e.data.id))).toEqual(new Set(posted.map((m) => m.id)));
      expect(ascendingUnique(again.events('public').map((e) => e.id))).toBe(true);
      expect(BigInt(again.events('public')[0]!.id)).toBeGreaterThan(BigInt(lastSeen.id));
      await again.close();
    }
  });

  it('sends 1001 to connected clients on SIGTERM and exits within the grace period', async () => {
    const replica = replicas[1]!;
    const token = await register(replica.url);
    const clients = [await connectLive(replica.url, token), await connectLive(replica.url, token)];
    const signalledAt = performance.now();
    replica.child.kill('SIGTERM');
    for (const client of clients) await client.waitFor(() => client.closeCode, 5_000, 'close');
    expect(clients.map((client) => client.closeCode)).toEqual([1001, 1001]);
    const exit = await replica.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
  });
});
