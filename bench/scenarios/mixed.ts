// A mixed social workload, DeathStarBench-style and open-loop: requests start on a Poisson schedule at a
// fixed rate whatever the answers (latency counts from the scheduled start, so queueing is not hidden),
// mixing compose 10%, home timeline 50%, user timeline 25% and like 15%, with a bot-agent process posting
// and liking beside it and live clients on tag streams. The rate steps up until HTTP p99 > 100 ms,
// delivery p99 > 250 ms or errors > 1%; the figure is the highest step within the limits.

import { startAgentProcess } from '@flock/testkit/agent-process';
import { scrape } from '@flock/testkit/metrics';
import { sleep, waitFor } from '@flock/testkit/waiting';
import { Pool } from 'undici';
import { messageIds, seedMessages, seedUsers, startFlock, TAGS } from '../lib/common.ts';
import { closeClients, Deliveries, openClients } from '../lib/live.ts';
import { percentiles, type Scenario } from '../lib/stats.ts';

interface Step {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  http: ReturnType<typeof percentiles>;
  delivery: ReturnType<typeof percentiles>;
  /** How late the generator itself started requests (its own saturation), p99 ms. */
  lagP99: number;
  /** HTTP p99 by kind of request. */
  byKind: Record<string, number>;
  within: boolean;
}

export const mixed: Scenario = {
  name: 'mixed',
  title: 'mixed open-loop workload: highest rate with HTTP p99 ≤ 100 ms, delivery p99 ≤ 250 ms',
  async run({ quick, log }) {
    const flock = await startFlock({ env: { DB_POOL_MAX: '10' } });
    const users = await seedUsers(flock.pool, quick ? 50 : 1_000, 'mx');
    await seedMessages(flock.pool, users, quick ? 2_000 : 50_000);
    let ids = await messageIds(flock.pool, 5_000);
    const agent = await startAgentProcess({
      SWARM_NAME: 'mixed',
      POD_NAME: 'mixed-0',
      BOTS_PER_POD: quick ? '3' : '100',
      AUTH_CONCURRENCY: '2',
      SEED: 'mixed',
      TAG_POOL: TAGS.slice(0, 10).join(','),
      TARGET_URL: flock.url,
    });
    for (const stream of [agent.child.stdout!, agent.child.stderr!]) {
      stream.removeAllListeners('data');
      stream.resume();
    }
    // Bots sign in first (each an Argon2id hash on the API): measured steps start once they all post.
    const botCount = quick ? 3 : 100;
    log(`mixed: ${botCount} bots signing in`);
    await waitFor(
      'every bot to sign in',
      async () => (await scrape(agent.metricsUrl)).get('flock_bots_active') === botCount,
      { timeoutMs: 180_000 },
    );
    const clientCount = quick ? 20 : 1_000;
    const deliveries = new Deliveries();
    log(`mixed: ${clientCount} live clients`);
    const clients = await openClients(
      flock.url,
      (i) => users[i % users.length]!.token,
      clientCount,
      // Most watch one tag; every tenth the public stream, so every post reaches some client.
      (i) => (i % 10 === 0 ? 'public' : `tag:${TAGS[i % TAGS.length]}`),
      deliveries,
    );
    const http = new Pool(flock.url, { connections: 128, pipelining: 1 });
    // The first step warms the API up (JIT, pool, caches) and is not judged.
    const rates = quick ? [10, 20, 40] : [100, 200, 400, 700, 1_000, 1_300, 1_500, 1_800, 2_200];
    const seconds = quick ? 2 : 8;
    const steps: Step[] = [];
    let stepId = 500;
    const random = (n: number) => Math.floor(Math.random() * n);
    try {
      const request = async (kind: number, marker: string): Promise<boolean> => {
        const user = users[random(users.length)]!;
        const headers = { authorization: `Bearer ${user.token}` };
        let response: Awaited<ReturnType<Pool['request']>>;
        if (kind < 10) {
          const tag = TAGS[random(TAGS.length)];
          response = await http.request({
            method: 'POST',
            path: '/api/messages',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ content: `fan ${marker} composing a post for the mix #${tag}` }),
          });
        } else if (kind < 60) {
          response = await http.request({ method: 'GET', path: '/api/messages?limit=20', headers });
        } else if (kind < 85) {
          const author = users[random(users.length)]!.username;
          response = await http.request({
            method: 'GET',
            path: `/api/messages?limit=20&author=${author}`,
            headers,
          });
        } else {
          response = await http.request({
            method: 'PUT',
            path: `/api/messages/${ids[random(ids.length)]}/like`,
            headers,
          });
        }
        await response.body.dump();
        return response.statusCode < 400;
      };

      for (const rate of rates) {
        const id = ++stepId;
        deliveries.reset();
        const latencies: number[] = [];
        const kinds: Record<string, number[]> = { compose: [], home: [], user: [], like: [] };
        const kindOf = (k: number) => (k < 10 ? 'compose' : k < 60 ? 'home' : k < 85 ? 'user' : 'like');
        const lags: number[] = [];
        let sent = 0;
        let ok = 0;
        let errors = 0;
        const pending = new Set<Promise<void>>();
        const started = performance.now();
        let due = started;
        let i = 0;
        while (due - started < seconds * 1000) {
          due += -Math.log(1 - Math.random()) * (1000 / rate);
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
          const scheduled = due;
          lags.push(Math.max(0, performance.now() - scheduled));
          const kind = random(100);
          const marker = `${id}-${i++}`;
          if (kind < 10) deliveries.sentAt.set(marker, scheduled);
          sent++;
          const job = request(kind, marker)
            .then((good) => {
              if (good) {
                ok++;
                const ms = performance.now() - scheduled;
                latencies.push(ms);
                kinds[kindOf(kind)]!.push(ms);
              } else errors++;
            })
            .catch(() => {
              errors++;
            })
            .finally(() => pending.delete(job));
          pending.add(job);
        }
        await Promise.race([Promise.all(pending), sleep(15_000)]);
        await sleep(500);
        errors += pending.size;
        const step: Step = {
          rate,
          sent,
          ok,
          errors,
          http: percentiles(latencies),
          delivery: percentiles(deliveries.latencies),
          lagP99: percentiles(lags).p99,
          byKind: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, percentiles(v).p99])),
          within: false,
        };
        step.within =
          step.http.p99 <= 100 &&
          (step.delivery.count === 0 || step.delivery.p99 <= 250) &&
          errors <= sent * 0.01;
        if (stepId === 501) {
          log(`mixed: warm-up at ${rate}/s done`);
          continue;
        }
        steps.push(step);
        log(
          `mixed: ${rate}/s → ${ok} ok, ${errors} errors, HTTP p99 ${step.http.p99} ms, delivery p99 ${step.delivery.p99} ms (${step.delivery.count}), generator lag p99 ${step.lagP99} ms, p99 by kind ${JSON.stringify(step.byKind)}`,
        );
        if (!step.within) break;
        ids = await messageIds(flock.pool, 5_000);
        await sleep(quick ? 200 : 2_000);
      }
      const best = [...steps].reverse().find((step) => step.within);
      const bestRate = best?.rate ?? 0;
      const failing = steps.find((step) => !step.within);
      return {
        rows: [
          {
            scenario: 'mixed',
            figure: 'highest rate within limits (req/s)',
            flock: bestRate,
            target: '≥ 1500 req/s',
            met: bestRate >= 1_500,
          },
          ...(best
            ? [
                {
                  scenario: 'mixed',
                  figure: `at ${bestRate}/s: HTTP p99, delivery p99`,
                  flock: `${best.http.p99} ms, ${best.delivery.p99} ms`,
                  target: '≤ 100 ms, ≤ 250 ms',
                  met: true,
                },
              ]
            : []),
          ...(failing
            ? [
                {
                  scenario: 'mixed',
                  figure: `at ${failing.rate}/s (first over): HTTP p99, delivery p99, errors`,
                  flock: `${failing.http.p99} ms, ${failing.delivery.p99} ms, ${failing.errors}`,
                },
              ]
            : []),
        ],
        details: {
          clients: clientCount,
          bots: botCount,
          mix: 'compose 10, home 50, user 25, like 15',
          steps,
        },
      };
    } finally {
      await http.close();
      await closeClients(clients);
      await agent.terminate();
      await flock.stop();
    }
  },
};
