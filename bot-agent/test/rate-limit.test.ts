// A rate-limited API, as a small local HTTP server answering 429 with Retry-After: the agent process
// waits at least that long before the same bot's next request, and still stops at once on SIGTERM
// while it is waiting.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { startAgentProcess } from '@flock/testkit/agent-process';
import { sleep, waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, expect, it } from 'vitest';

interface Seen {
  at: number;
  user: string;
  path: string;
  status: number;
}

const seen: Seen[] = [];
/** How the server answers: the first `limitFirst` calls per user and path get a 429. */
let mode: { retryAfter: number; limitFirst: number } = { retryAfter: 1, limitFirst: 2 };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = request.url ?? '';
      const user =
        request.headers.authorization?.replace('Bearer tok-', '') ??
        String((JSON.parse(body || '{}') as { username?: string; login?: string }).username);
      const previous = seen.filter((s) => s.user === user && s.path === path).length;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        seen.push({ at: performance.now(), user, path, status });
        response
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify(payload));
      };
      if (previous < mode.limitFirst)
        return send(
          429,
          { error: { code: 'RATE_LIMITED', message: 'slow down' } },
          { 'retry-after': String(mode.retryAfter) },
        );
      if (path === '/api/auth/register')
        return send(201, {
          token: `tok-${user}`,
          user: { username: user, email: 'x', bot: true, createdAt: '' },
        });
      if (path === '/api/messages')
        return send(201, {
          id: '1',
          author: { username: user, bot: true },
          content: '',
          tags: [],
          likeCount: 0,
          likedByMe: false,
          createdAt: '',
        });
      send(404, { error: { code: 'NOT_FOUND', message: path } });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => {
  server?.closeAllConnections();
  server?.close();
});

it('honours Retry-After on registration and on posts, and stops at once while waiting', async () => {
  const agent = await startAgentProcess({
    SWARM_NAME: 'limited',
    POD_NAME: 'limited-0',
    BOTS_PER_POD: '3',
    POSTS_PER_HOUR: '3600',
    LIKES_PER_HOUR: '0',
    SEED: 'limited',
    TARGET_URL: url,
  });
  // Two 429s on register (1 s each), then two on posts (1 s each), then posts flow.
  await waitFor(
    'every bot to get two posts through',
    async () => {
      const posted = seen.filter((s) => s.path === '/api/messages' && s.status === 201);
      const perUser = new Map<string, number>();
      for (const s of posted) perUser.set(s.user, (perUser.get(s.user) ?? 0) + 1);
      return (perUser.size === 3 && [...perUser.values()].every((n) => n >= 2)) || undefined;
    },
    { timeoutMs: 40_000 },
  );
  for (const user of new Set(seen.map((s) => s.user))) {
    const calls = seen.filter((s) => s.user === user);
    for (let i = 1; i < calls.length; i++) {
      // Never sooner than the server asked (1 ms for timer rounding).
      if (calls[i - 1]!.status === 429) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(999);
    }
    expect(calls.filter((c) => c.status === 429).length).toBe(4);
  }
  expect(new Set(seen.map((s) => s.user)).size).toBe(3);

  // Now a long Retry-After for everything: the bots wait, and SIGTERM still ends the process quickly.
  mode = { retryAfter: 120, limitFirst: Number.POSITIVE_INFINITY };
  const before = seen.length;
  await waitFor('a long 429', async () => seen.slice(before).some((s) => s.status === 429) || undefined, {
    timeoutMs: 10_000,
  });
  await sleep(500);
  const exit = await agent.terminate();
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.ms).toBeLessThan(5_000);
  expect(agent.totals()['post.rate_limited']).toBeGreaterThanOrEqual(7);
});
