import { once } from 'node:events';
import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import { parseMetrics, scrape } from '../src/metrics.ts';

const EXPOSITION = `# HELP flock_bots_active Bots running.
# TYPE flock_bots_active gauge
flock_bots_active 4
flock_posts_total{result="ok"} 12

flock_posts_total{result="error"} 0.5
`;

it('parses a Prometheus text exposition into one number per sample', () => {
  expect(parseMetrics(EXPOSITION)).toEqual(
    new Map([
      ['flock_bots_active', 4],
      ['flock_posts_total{result="ok"}', 12],
      ['flock_posts_total{result="error"}', 0.5],
    ]),
  );
});

it('scrapes <base>/metrics', async () => {
  const server = createServer((request, response) =>
    response.end(request.url === '/metrics' ? EXPOSITION : 'no'),
  ).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  try {
    expect((await scrape(`http://127.0.0.1:${port}`)).get('flock_bots_active')).toBe(4);
  } finally {
    server.close();
  }
});
