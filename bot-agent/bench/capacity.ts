// Capacity of one agent process: BENCH_BOTS bots (default 1,000) at the default rates against a local API
// on a fresh PostgreSQL database, measuring the agent's CPU and memory while the bots sign in and then
// over a steady window. `npm run bench:bots -w bot-agent`; BENCH_SECONDS (default 120) sets the window,
// BENCH_RATE_MULTIPLIER (default 1) multiplies the default rates (6 posts and 12 likes per bot per hour),
// BENCH_AGENT_NODE_OPTIONS is the agent's NODE_OPTIONS.
import { startAgentProcess } from '@flock/testkit/agent-process';
import { NO_RATE_LIMITS, startApiProcess } from '@flock/testkit/api-process';
import { createTestDatabase } from '@flock/testkit/databases';
import { scrape } from '@flock/testkit/metrics';
import { TEST_JWT_SECRET } from '@flock/testkit/secrets';
import { sleep, waitFor } from '@flock/testkit/waiting';

const bots = Number(process.env.BENCH_BOTS ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 120);
const multiplier = Number(process.env.BENCH_RATE_MULTIPLIER ?? 1);
const postsPerHour = 6 * multiplier;
const likesPerHour = 12 * multiplier;

const database = await createTestDatabase();
const api = await startApiProcess({
  DATABASE_URL: database.url,
  JWT_SECRET: TEST_JWT_SECRET,
  ...NO_RATE_LIMITS,
  DB_POOL_MAX: '20',
});
const agent = await startAgentProcess({
  SWARM_NAME: 'bench',
  POD_NAME: 'bench-0',
  BOTS_PER_POD: String(bots),
  POSTS_PER_HOUR: String(postsPerHour),
  LIKES_PER_HOUR: String(likesPerHour),
  SEED: 'bench',
  TARGET_URL: api.url,
  // e.g. --max-semi-space-size=4, to see what V8's young generation costs in resident memory.
  NODE_OPTIONS: process.env.BENCH_AGENT_NODE_OPTIONS ?? '',
});

const sum = (samples: Map<string, number>, prefix: string) =>
  [...samples].filter(([name]) => name.startsWith(prefix)).reduce((total, [, value]) => total + value, 0);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

try {
  const started = performance.now();
  let peakRss = 0;
  const signedIn = await waitFor(
    'every bot to sign in',
    async () => {
      const samples = await scrape(agent.metricsUrl);
      peakRss = Math.max(peakRss, samples.get('process_resident_memory_bytes') ?? 0);
      return samples.get('flock_bots_active') === bots ? samples : undefined;
    },
    { timeoutMs: 15 * 60_000 },
  );
  const signInSeconds = (performance.now() - started) / 1000;

  const before = await scrape(agent.metricsUrl);
  const windowStart = performance.now();
  let rssMax = 0;
  let rssSum = 0;
  let rssCount = 0;
  while (performance.now() - windowStart < seconds * 1000) {
    await sleep(5_000);
    const rss = (await scrape(agent.metricsUrl)).get('process_resident_memory_bytes') ?? 0;
    rssMax = Math.max(rssMax, rss);
    rssSum += rss;
    rssCount++;
  }
  const after = await scrape(agent.metricsUrl);
  const elapsed = (performance.now() - windowStart) / 1000;
  const cpu = (name: string, samples: Map<string, number>) => samples.get(name) ?? 0;
  const steadyCpu =
    (cpu('process_cpu_seconds_total', after) - cpu('process_cpu_seconds_total', before)) / elapsed;
  const signInCpu = cpu('process_cpu_seconds_total', signedIn) / signInSeconds;
  const actions = sum(after, 'flock_bot_actions_total') - sum(before, 'flock_bot_actions_total');
  const posts =
    (after.get('flock_bot_actions_total{kind="post",outcome="ok"}') ?? 0) -
    (before.get('flock_bot_actions_total{kind="post",outcome="ok"}') ?? 0);
  const errors = sum(after, 'flock_bot_errors_total') - sum(before, 'flock_bot_errors_total');

  console.log(
    `\nbot-agent capacity: ${bots} bots, ${postsPerHour} posts + ${likesPerHour} likes per bot-hour`,
  );
  console.log(`| measure | value |\n| --- | --- |`);
  console.log(
    `| sign-in (register ${bots} accounts) | ${signInSeconds.toFixed(1)} s, agent CPU ${(signInCpu * 100).toFixed(1)}% of one core, peak RSS ${mib(peakRss)} |`,
  );
  console.log(`| steady window | ${elapsed.toFixed(0)} s |`);
  console.log(
    `| requests | ${(actions / elapsed).toFixed(2)}/s (posts ${(posts / elapsed).toFixed(2)}/s, expected ${((bots * postsPerHour) / 3600).toFixed(2)}/s) |`,
  );
  console.log(`| errors | ${errors} |`);
  console.log(`| agent CPU | ${(steadyCpu * 100).toFixed(2)}% of one core |`);
  console.log(`| agent RSS | mean ${mib(rssSum / Math.max(1, rssCount))}, max ${mib(rssMax)} |`);
  console.log(`| agent heap used | ${mib(after.get('nodejs_heap_size_used_bytes') ?? 0)} |`);
} finally {
  await agent.terminate();
  api.child.kill('SIGTERM');
  await api.exited;
  await database.drop();
}
