// Cross-replica delivery: two API processes on one database, clients split between them, posts to the
// first. The second replica learns of each event through LISTEN/NOTIFY; its clients' p99 is compared with
// the first's (the one-replica path) from the same posts, and nothing may be lost.

import { sleep } from '@flock/testkit/waiting';
import { seedUsers, startFlock } from '../lib/common.ts';
import { closeClients, Deliveries, openClients } from '../lib/live.ts';
import { percentiles, round, type Scenario } from '../lib/stats.ts';
import { flockPoster } from './fanout.ts';

export const crossReplica: Scenario = {
  name: 'cross-replica',
  title: 'cross-replica delivery: two API processes, posts to one',
  async run({ quick, log }) {
    const perReplica = quick ? 20 : 500;
    const posts = quick ? 5 : 50;
    const rate = 10;
    const flock = await startFlock({ replicas: 2 });
    const [poster, watcher] = await seedUsers(flock.pool, 2, 'xr');
    const local = new Deliveries();
    const remote = new Deliveries();
    const [a, b] = flock.apis;
    const clients = [
      ...(await openClients(
        a!.url,
        () => watcher!.token,
        perReplica,
        () => 'public',
        local,
      )),
      ...(await openClients(
        b!.url,
        () => watcher!.token,
        perReplica,
        () => 'public',
        remote,
      )),
    ];
    try {
      await sleep(quick ? 200 : 1_000);
      log(`cross-replica: ${posts} posts at ${rate}/s to replica A, ${perReplica} clients on each replica`);
      const post = flockPoster(a!.url, poster!.token);
      const started = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < posts; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        const marker = `9${posts}-${i}`;
        const now = performance.now();
        local.sentAt.set(marker, now);
        remote.sentAt.set(marker, now);
        pending.push(post(marker).then(() => undefined));
      }
      await Promise.all(pending);
      const expected = perReplica * posts;
      await local.drain(expected, 20_000);
      await remote.drain(expected, 20_000);
      const one = { ...percentiles(local.latencies), lost: expected - local.received };
      const two = { ...percentiles(remote.latencies), lost: expected - remote.received };
      const extra = round(two.p99 - one.p99);
      return {
        rows: [
          {
            scenario: 'cross-replica',
            figure: 'p99 on the other replica (vs the writer’s), lost',
            flock: `${two.p99} ms, ${two.lost}`,
            baseline: `${one.p99} ms, ${one.lost}`,
            target: '≤ +10 ms, 0 lost',
            met: extra <= 10 && one.lost === 0 && two.lost === 0,
          },
        ],
        details: { perReplica, posts, rate, writerReplica: one, otherReplica: two, extraP99Ms: extra },
      };
    } finally {
      await closeClients(clients);
      await flock.stop();
    }
  },
};
