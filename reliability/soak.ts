// `npm run soak [-- --minutes 30 --load 0.7]`: one API process on PostgreSQL at 70% (--load) of its
// sustainable rate (a mix of feed reads and posts, open loop) with a live subscriber, for --minutes.
// Pass: the resident memory at the end is within 10% of where it stood after warm-up, no window of 30 s
// has more than 1% errors, and the subscriber received every message. Bounded, 127.0.0.1 only; prints a JSON report, exits 1 on failure.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sleep } from '@flock/testkit/waiting';
import { exitOnSignals, register, startCluster, storedMessages } from './lib/cluster.ts';
import { closedLoopRate, openLoop, percentile, type RequestSpec } from './lib/open-loop.ts';
import { awaitDelivery, Subscriber } from './lib/subscribers.ts';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '30' }, load: { type: 'string', default: '0.7' } },
});
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 240)) throw new Error('--minutes must be in (0, 240]');
// The share of the sustainable rate to offer: 0.7 is the soak; more probes what breaks first near the limit.
const load = Number(values.load);
if (!(load > 0 && load <= 2)) throw new Error('--load must be in (0, 2]');
const log = (line: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

exitOnSignals();
const cluster = await startCluster({ replicas: 1 });
let failed = true;
try {
  const [url] = cluster.urls() as [string];
  const writer = await register(url, 'soak');
  const reader = new Subscriber({ targets: () => [url], token: (await register(url, 'reader')).token });
  await reader.start();
  const prefix = `soak-${Date.now()}`;
  let n = 0;
  const post: RequestSpec = {
    method: 'POST',
    path: '/api/messages',
    headers: { authorization: `Bearer ${writer.token}` },
    body: () => JSON.stringify({ content: `${prefix} ${n++} #soak` }),
  };
  const read: RequestSpec = { path: '/api/messages?limit=20' };
  const byTag: RequestSpec = { path: '/api/messages?tag=soak&limit=20' };
  // Four reads to one post.
  const specs = [read, read, byTag, read, post];
  await closedLoopRate(url, specs, { seconds: 3, connections: 16 });
  const sustainable = await closedLoopRate(url, specs, { seconds: 10, connections: 16 });
  const rate = load * sustainable;
  log(`sustainable ${Math.round(sustainable)}/s; soaking at ${Math.round(rate)}/s for ${minutes} min`);

  const rss: { at: number; bytes: number }[] = [];
  let sampling = true;
  const started = performance.now();
  const sampler = (async () => {
    while (sampling) {
      rss.push({ at: (performance.now() - started) / 1000, bytes: cluster.rssBytes(0) });
      if (rss.length % 6 === 0)
        log(`${Math.round(rss.at(-1)!.at)} s: RSS ${Math.round(rss.at(-1)!.bytes / 2 ** 20)} MiB`);
      await sleep(10_000);
    }
  })();
  // Every second, the signals the shedding reads and what could stall them: the pool's wait queue, the
  // event loop's worst delay, time in major GC, the API's CPU (share of one core) and the machine's idle
  // and stolen CPU (share of all cores: a neighbour on the host takes capacity the rate was measured with).
  // Cumulative counters are kept as differences.
  const signals: {
    second: number;
    poolWaiting: number;
    loopLagMaxMs: number;
    majorGcMs: number;
    apiCpuPct: number;
    idlePct: number;
    stealPct: number;
    /** The API's oldest statement running in PostgreSQL at the sample, if any. */
    longestStatement: { ms: number; query: string } | undefined;
  }[] = [];
  const longestStatement = async () => {
    const { rows } = await cluster.db.query<{ ms: number; query: string }>(
      `select round(extract(epoch from clock_timestamp() - query_start) * 1000)::int as ms, left(query, 120) as query
         from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
        order by query_start limit 1`,
    );
    return rows[0];
  };
  const signalSampler = (async () => {
    let last: { gcMs: number; cpuSeconds: number; at: number; cpu: MachineCpu } | undefined;
    while (sampling) {
      try {
        const [metrics, statement] = await Promise.all([cluster.metrics(0), longestStatement()]);
        const now = {
          gcMs: (metrics.get('nodejs_gc_duration_seconds_sum{kind="major"}') ?? 0) * 1000,
          cpuSeconds: metrics.get('process_cpu_seconds_total') ?? 0,
          at: performance.now(),
          cpu: machineCpu(),
        };
        if (last) {
          const ticks = now.cpu.total - last.cpu.total || 1;
          signals.push({
            second: Math.floor((now.at - started) / 1000),
            poolWaiting: metrics.get('flock_db_pool_connections{state="waiting"}') ?? 0,
            loopLagMaxMs: Math.round((metrics.get('nodejs_eventloop_lag_max_seconds') ?? 0) * 1000),
            majorGcMs: Math.round(now.gcMs - last.gcMs),
            apiCpuPct: Math.round(((now.cpuSeconds - last.cpuSeconds) * 100_000) / (now.at - last.at)),
            idlePct: Math.round(((now.cpu.idle - last.cpu.idle) * 100) / ticks),
            stealPct: Math.round(((now.cpu.steal - last.cpu.steal) * 100) / ticks),
            longestStatement: statement,
          });
        }
        last = now;
      } catch {
        // A missed sample is a gap in the diagnosis, not a soak failure.
      }
      await sleep(1_000);
    }
  })();
  const postsBefore = n;
  const run = await openLoop(url, specs, { rate, seconds: minutes * 60, timeoutMs: 10_000 });
  sampling = false;
  await Promise.all([sampler, signalSampler]);

  // Memory: median of the samples in the second tenth of the run (after warm-up) against the last tenth.
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const total = minutes * 60;
  const early = median(rss.filter((s) => s.at >= total * 0.1 && s.at < total * 0.2).map((s) => s.bytes));
  const late = median(rss.filter((s) => s.at >= total * 0.9).map((s) => s.bytes));
  const growth = early > 0 ? late / early - 1 : Number.NaN;
  // Errors per 30 s window.
  const windows: { fromSecond: number; errorRate: number }[] = [];
  for (let i = 0; i < run.perSecond.length; i += 30) {
    const slice = run.perSecond.slice(i, i + 30);
    const good = slice.reduce((sum, [g]) => sum + g, 0);
    const bad = slice.reduce((sum, [, b]) => sum + b, 0);
    if (good + bad > 0) windows.push({ fromSecond: i, errorRate: bad / (good + bad) });
  }
  const worstWindow = Math.max(0, ...windows.map((w) => w.errorRate));
  // The signals in each window with errors, against the run's medians: what moved when the errors came.
  const signalsIn = (from: number, to: number) => {
    const inWindow = signals.filter((s) => s.second >= from && s.second < to);
    return {
      maxPoolWaiting: Math.max(0, ...inWindow.map((s) => s.poolWaiting)),
      maxLoopLagMs: Math.max(0, ...inWindow.map((s) => s.loopLagMaxMs)),
      majorGcMs: inWindow.reduce((sum, s) => sum + s.majorGcMs, 0),
      apiCpuPct: median(inWindow.map((s) => s.apiCpuPct)),
      idlePct: median(inWindow.map((s) => s.idlePct)),
      stealPct: median(inWindow.map((s) => s.stealPct)),
      longestStatement: inWindow
        .map((s) => s.longestStatement)
        .reduce((longest, next) => (next && next.ms > (longest?.ms ?? 0) ? next : longest), undefined),
    };
  };
  const perWindow = windows.map((w) => signalsIn(w.fromSecond, w.fromSecond + 30));
  const errorWindows = windows
    .map((w, index) => ({ ...w, errorRate: Math.round(w.errorRate * 10_000) / 10_000, ...perWindow[index]! }))
    .filter((w) => w.errorRate > 0);
  const typicalWindow = {
    maxPoolWaiting: median(perWindow.map((w) => w.maxPoolWaiting)),
    maxLoopLagMs: median(perWindow.map((w) => w.maxLoopLagMs)),
    majorGcMs: median(perWindow.map((w) => w.majorGcMs)),
    apiCpuPct: median(perWindow.map((w) => w.apiCpuPct)),
    idlePct: median(perWindow.map((w) => w.idlePct)),
    stealPct: median(perWindow.map((w) => w.stealPct)),
  };
  const ids = [...(await storedMessages(cluster.db, prefix)).values()].flat();
  const delivery = await awaitDelivery([reader], ids, 30_000);
  reader.stop();
  const report = {
    scenario: 'soak',
    minutes,
    load,
    sustainable: Math.round(sustainable),
    rate: Math.round(rate),
    sent: run.sent,
    statuses: Object.fromEntries(run.byStatus),
    p50Ms: Math.round(percentile(run.latencies, 50)),
    p99Ms: Math.round(percentile(run.latencies, 99)),
    posts: n - postsBefore,
    rssEarlyMiB: Math.round(early / 2 ** 20),
    rssLateMiB: Math.round(late / 2 ** 20),
    rssPeakMiB: Math.round(Math.max(...rss.map((s) => s.bytes)) / 2 ** 20),
    memoryGrowth: Math.round(growth * 1000) / 1000,
    worstErrorWindow: Math.round(worstWindow * 10_000) / 10_000,
    // Why the errors came, and when (first and last second of the run): a spike has one reason and a span.
    errorReasons: Object.fromEntries(
      [...run.errorReasons].map(([reason, { count, seconds }]) => [
        reason,
        { count, fromSecond: Math.min(...seconds), toSecond: Math.max(...seconds) },
      ]),
    ),
    errorWindows,
    typicalWindow,
    subscriberMissing: delivery.missing[0],
    // What the subscriber went through, to tell a message never sent from one held back or cut off.
    subscriber: {
      events: reader.events,
      repeated: reader.repeated,
      resyncs: reader.resyncs,
      subscriptions: reader.subscriptions,
      closeCodes: reader.closeCodes,
      lastEventId: reader.lastEventId?.toString(),
      firstMissing: ids.filter((id) => !reader.messages.has(id)).slice(0, 5),
    },
    crashes: cluster.replicas[0]!.crashes.length,
  };
  console.log(JSON.stringify(report));
  const checks: [boolean, string][] = [
    [growth <= 0.1, `memory growth ${(growth * 100).toFixed(1)}% <= 10%`],
    [worstWindow <= 0.01, `worst 30 s error rate ${(worstWindow * 100).toFixed(2)}% <= 1%`],
    [delivery.missing[0] === 0, 'the subscriber received every message'],
    [report.crashes === 0, 'no crash'],
  ];
  for (const [ok, what] of checks) log(`${ok ? 'pass' : 'FAIL'}: ${what}`);
  failed = checks.some(([ok]) => !ok);
  if (failed) log(`the API's last output:\n${cluster.replicas[0]!.output().slice(-8_192)}`);
} finally {
  await cluster.close();
}
process.exit(failed ? 1 : 0);

interface MachineCpu {
  idle: number;
  steal: number;
  total: number;
}

/** The machine's CPU time so far, in ticks, from the first line of /proc/stat. */
function machineCpu(): MachineCpu {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const ticks = fields.map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user already.
  return {
    idle: (ticks[3] ?? 0) + (ticks[4] ?? 0),
    steal: ticks[7] ?? 0,
    total: ticks.slice(0, 8).reduce((a, b) => a + b, 0),
  };
}
