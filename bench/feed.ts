// npm run bench:feed -- --clients N --posts M [--interval-ms 20]
// Starts a real API process on a fresh PostgreSQL database, connects N live clients to the public
// stream, posts M messages and reports post → receive latency (p50/p99/max) and deliveries per second.
import { parseArgs } from 'node:util';
import type { AuthResponse } from '@flock/shared';
import { NO_RATE_LIMITS, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase } from '@flock/testkit/databases';
import { connectLive, type LiveClient } from '@flock/testkit/live-client';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    posts: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '20' },
  },
});
const clientCount = Number(values.clients);
const postCount = Number(values.posts);
const intervalMs = Number(values['interval-ms']);
for (const [name, value] of [
  ['clients', clientCount],
  ['posts', postCount],
  ['interval-ms', intervalMs],
] as const) {
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got ${value}`);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const database = await createTestDatabase();
const api = await startApiProcess({
  DATABASE_URL: database.url,
  JWT_SECRET: TEST_JWT_SECRET,
  ...NO_RATE_LIMITS,
  LIVE_MAX_CONNECTIONS_PER_USER: String(clientCount + 1),
  LOG_LEVEL: 'info',
});
try {
  const register = async (username: string) => {
    const response = await fetch(`${api.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@bench.test`, password: 'bench password' }),
    });
    return ((await response.json()) as AuthResponse).token;
  };
  const [poster, watcher] = [await register('bench_poster'), await register('bench_watcher')];

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const clients: LiveClient[] = [];
  for (let i = 0; i < clientCount; i++) {
    const client = await connectLive(api.url, watcher);
    client.socket.on('message', (data) => {
      const text = data.toString();
      const marker = /"content":"bench (\d+)"/.exec(text)?.[1];
      const sent = marker === undefined ? undefined : sentAt.get(marker);
      if (sent !== undefined) latencies.push(performance.now() - sent);
    });
    await client.subscribe('public');
    clients.push(client);
  }

  const started = performance.now();
  for (let i = 0; i < postCount; i++) {
    sentAt.set(String(i), performance.now());
    const response = await fetch(`${api.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${poster}` },
      body: JSON.stringify({ content: `bench ${i}` }),
    });
    if (response.status !== 201) throw new Error(`post failed: ${response.status}`);
    if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const expected = clientCount * postCount;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsedSeconds = (performance.now() - started) / 1000;

  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    clients: clientCount,
    posts: postCount,
    deliveries: latencies.length,
    lost: expected - latencies.length,
    p50Ms: Number(percentile(sorted, 50).toFixed(2)),
    p99Ms: Number(percentile(sorted, 99).toFixed(2)),
    maxMs: Number((sorted.at(-1) ?? NaN).toFixed(2)),
    deliveriesPerSecond: Math.round(latencies.length / elapsedSeconds),
  };
  console.table([result]);
  console.log(JSON.stringify(result));
  await Promise.all(clients.map((client) => client.close()));
  if (result.lost > 0) process.exitCode = 1;
} finally {
  api.child.kill('SIGTERM');
  await api.exited;
  await database.drop();
}
