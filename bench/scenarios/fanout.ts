// WebSocket fan-out: N clients on the public stream (N = 1k, 5k, 10k), posts at 1 and 10 per second, then
// a burst for throughput; post → receive latency and deliveries per second, against a bare `ws` server
// broadcasting a frame of the same size to the same number of clients.
import type { Message } from '@flock/shared';
import type { LiveClient } from '@flock/testkit/live-client';
import { sleep } from '@flock/testkit/waiting';
import { seedUsers, startBareServer, startFlock } from '../lib/common.ts';
import { closeClients, Deliveries, openClients } from '../lib/live.ts';
import { percentiles, type Row, round, type Scenario } from '../lib/stats.ts';

interface Phase {
  name: string;
  posts: number;
  /** Posts per second; 0 = as fast as the poster gets answers (4 in flight). */
  rate: number;
}

export interface PhaseResult {
  phase: string;
  clients: number;
  posts: number;
  deliveries: number;
  lost: number;
  /** Posts the server refused (503 under overload): their deliveries are not expected. */
  refused: number;
  p50: number;
  p99: number;
  max: number;
  deliveriesPerSecond: number;
}

let phaseCounter = 0;

/** Runs `phase` against whatever `post(marker)` reaches, with `clients` receivers feeding `deliveries`. */
export async function runPhase(
  phase: Phase,
  clients: number,
  deliveries: Deliveries,
  post: (marker: string) => Promise<boolean>,
): Promise<PhaseResult> {
  const id = ++phaseCounter;
  deliveries.reset();
  const started = performance.now();
  let refused = 0;
  const send = async (i: number) => {
    const marker = `${id}-${i}`;
    deliveries.sentAt.set(marker, performance.now());
    if (!(await post(marker))) refused++;
  };
  if (phase.rate > 0) {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < phase.posts; i++) {
      const due = started + (i * 1000) / phase.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(send(i));
    }
    await Promise.all(pending);
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < phase.posts) await send(next++);
      }),
    );
  }
  const expected = clients * (phase.posts - refused);
  await deliveries.drain(expected, 45_000);
  const stats = percentiles(deliveries.latencies);
  const window = (deliveries.lastReceive - started) / 1000;
  return {
    phase: phase.name,
    clients,
    posts: phase.posts,
    deliveries: deliveries.received,
    lost: expected - deliveries.received,
    refused,
    p50: stats.p50,
    p99: stats.p99,
    max: stats.max,
    deliveriesPerSecond: Math.round(deliveries.received / Math.max(window, 1e-3)),
  };
}

/** A Flock post carrying `marker`, or a bare broadcast of a frame shaped like Flock's. */
export function flockPoster(url: string, token: string) {
  return async (marker: string) => {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ content: `fan ${marker} a message of ordinary length for the feed #birds` }),
    });
    await response.arrayBuffer();
    if (response.status === 503) return false;
    if (response.status !== 201) throw new Error(`post failed: ${response.status}`);
    return true;
  };
}

function bareBroadcaster(url: string) {
  let id = 1000;
  return async (marker: string) => {
    // Typed as the API's message, so the frame keeps the size of Flock's as the message gains fields.
    const data: Message = {
      id: String(++id),
      author: { username: 'fan_poster', displayName: null, bot: false },
      content: `fan ${marker} a message of ordinary length for the feed #birds`,
      tags: ['birds'],
      inReplyTo: null,
      replyCount: 0,
      likeCount: 0,
      likedByMe: false,
      createdAt: new Date().toISOString(),
    };
    const frame = `{"type":"event","id":"${id}","event":"message.created","streams":["public"],"data":${JSON.stringify(data)}}`;
    const response = await fetch(`${url}/broadcast`, { method: 'POST', body: frame });
    if (response.status !== 201) throw new Error(`broadcast failed: ${response.status}`);
    await response.arrayBuffer();
    return true;
  };
}

export const fanout: Scenario = {
  name: 'fanout',
  title: 'WebSocket fan-out to 1k–10k clients vs a bare ws broadcast',
  async run({ quick, log }) {
    const sizes = process.env.BENCH_FANOUT_SIZES
      ? process.env.BENCH_FANOUT_SIZES.split(',').map(Number)
      : quick
        ? [20, 50]
        : [1_000, 5_000, 10_000];
    const phases: Phase[] = quick
      ? [
          { name: '1/s', posts: 2, rate: 5 },
          { name: 'burst', posts: 5, rate: 0 },
        ]
      : [
          { name: '1/s', posts: 8, rate: 1 },
          { name: '10/s', posts: 40, rate: 10 },
          { name: 'burst', posts: 20, rate: 0 },
        ];
    const flock = await startFlock();
    const bare = await startBareServer('bare-ws');
    const [poster, watcher] = await seedUsers(flock.pool, 2, 'fan');
    const flockDeliveries = new Deliveries();
    const bareDeliveries = new Deliveries();
    const flockClients: LiveClient[] = [];
    const bareClients: LiveClient[] = [];
    const results: { flock: PhaseResult[]; bare: PhaseResult[] } = { flock: [], bare: [] };
    const rows: Row[] = [];
    try {
      // One side at a time (10k clients on each would pass this process's descriptor limit), each growing
      // its clients 1k → 5k → 10k.
      for (const side of ['flock', 'bare'] as const) {
        const clients = side === 'flock' ? flockClients : bareClients;
        const deliveries = side === 'flock' ? flockDeliveries : bareDeliveries;
        const url = side === 'flock' ? flock.url : bare.url;
        const token = side === 'flock' ? watcher!.token : 'none';
        const post = side === 'flock' ? flockPoster(flock.url, poster!.token) : bareBroadcaster(bare.url);
        for (const size of sizes) {
          log(`fanout: ${side}: connecting ${size - clients.length} more clients`);
          clients.push(
            ...(await openClients(
              url,
              () => token,
              size - clients.length,
              () => 'public',
              deliveries,
            )),
          );
          await sleep(quick ? 200 : 2_000);
          if (size === sizes[0]) {
            // Warm-up (JIT, pools, the event log's first reads), not recorded.
            await runPhase({ name: 'warm-up', posts: quick ? 2 : 10, rate: 5 }, size, deliveries, post);
          }
          for (const phase of phases) {
            // Each phase starts on a settled server (the previous one's backlog sent).
            await sleep(quick ? 100 : 2_000);
            const result = await runPhase(phase, size, deliveries, post);
            log(`fanout: ${side}, ${size} clients, ${phase.name}: ${JSON.stringify(result)}`);
            results[side].push(result);
          }
        }
        await closeClients(clients);
        clients.length = 0;
        await sleep(quick ? 200 : 2_000);
      }
      for (const [index, f] of results.flock.entries()) {
        const b = results.bare[index]!;
        const size = f.clients;
        const phase = phases.find((p) => p.name === f.phase)!;
        const label = `${size} clients, ${phase.name}`;
        if (phase.rate === 0) {
          const ratio = round(f.deliveriesPerSecond / b.deliveriesPerSecond);
          rows.push({
            scenario: 'fanout',
            figure: `${label}: deliveries/s`,
            flock: f.deliveriesPerSecond,
            baseline: b.deliveriesPerSecond,
            ratio,
            target: '≥ 0.70×',
            met: ratio >= 0.7 && f.lost === 0,
          });
        } else {
          const target = size <= 1_000 ? 50 : size >= 10_000 && phase.rate <= 1 ? 250 : undefined;
          rows.push({
            scenario: 'fanout',
            figure: `${label}: p50 / p99 / max ms, lost`,
            flock: `${f.p50} / ${f.p99} / ${f.max}, ${f.lost}${f.refused ? ` (${f.refused} posts shed with 503)` : ''}`,
            baseline: `${b.p50} / ${b.p99} / ${b.max}, ${b.lost}`,
            ...(target !== undefined || quick
              ? { target: `p99 ≤ ${target ?? 50} ms, 0 lost`, met: f.p99 <= (target ?? 50) && f.lost === 0 }
              : { target: '0 lost', met: f.lost === 0 }),
          });
        }
      }
      return { rows, details: results };
    } finally {
      await closeClients(flockClients);
      await closeClients(bareClients);
      await bare.stop();
      await flock.stop();
    }
  },
};
