// Scenario 4, "no acknowledged write lost", as a set check: writers (Idempotency-Key, retried until
// acknowledged) and a bot agent run against two replicas while faults are injected in turn: a replica
// SIGKILLed (and started again), the database connection cut (the proxy), and, when allowed, a real
// PostgreSQL restart. Afterwards: every acknowledged write is stored exactly once, the bots' acknowledged
// posts are all stored, and every stored message reached every live subscriber (live or by resume).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { type AgentProcess, startAgentProcess } from '@flock/testkit/agent-process';
import { sleep } from '@flock/testkit/waiting';
import { startBalancer } from './balancer.ts';
import { maxMessageId, messageIdsAfter, registerMany, startCluster, storedMessages } from './cluster.ts';
import { awaitDelivery, Subscriber } from './subscribers.ts';
import { compareWrites, Writers } from './writers.ts';

export interface SetRunOptions {
  seconds: number;
  /** Time between the start of one fault and the next. */
  faultEveryMs: number;
  realPostgresRestart: boolean;
  bots: number;
  log?: (line: string) => void;
}

export interface SetRunReport {
  seconds: number;
  faults: Record<string, number>;
  writes: { attempts: number; statuses: Record<string, number>; acknowledged: number; stored: number };
  lost: number;
  wrongId: number;
  duplicated: number;
  bots: { postsAcknowledged: number; postsStored: number; likesAcknowledged: number };
  subscribers: number;
  messagesStored: number;
  missingPerSubscriber: number[];
  repeatedOrResync: number;
  reconnects: number;
  crashes: number;
  deliveryWaitMs: number;
}

/** Restarts the machine's PostgreSQL (every database on it: never from `npm test`). */
export function restartPostgres(): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
    stdio: 'ignore',
  });
}

export async function runSetScenario(options: SetRunOptions): Promise<SetRunReport> {
  const log = options.log ?? (() => {});
  const cluster = await startCluster({
    replicas: 2,
    throughProxy: true,
    env: { DB_ACQUIRE_TIMEOUT_MS: '1000', SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '5000' },
  });
  const balancer = await startBalancer(() => cluster.live().map((replica) => replica.port));
  let agent: AgentProcess | undefined;
  const subscribers: Subscriber[] = [];
  try {
    const [a] = cluster.urls() as [string];
    const accounts = await registerMany(a, 4, 'set');
    const reader = accounts.pop()!;
    const live = () => cluster.live().map((replica) => replica.url);
    for (let i = 0; i < 6; i++)
      subscribers.push(new Subscriber({ targets: live, token: reader.token, first: i }));
    await Promise.all(subscribers.map((subscriber) => subscriber.start()));
    const baseline = await maxMessageId(cluster.db);
    const prefix = `set-${Date.now()}`;
    const writers = new Writers({ targets: live, tokens: accounts.map((x) => x.token), perToken: 2, prefix });
    const swarm = `chaos${Date.now().toString(36)}`;
    if (options.bots > 0)
      agent = await startAgentProcess({
        TARGET_URL: balancer.url,
        SWARM_NAME: swarm,
        POD_NAME: `${swarm}-0`,
        BOTS_PER_POD: String(options.bots),
        POSTS_PER_HOUR: '3600',
        LIKES_PER_HOUR: '3600',
        TAG_POOL: 'chaos,flock',
        BACKOFF_INITIAL_MS: '200',
        BACKOFF_MAX_MS: '2000',
        METRICS_HOST: '127.0.0.1',
      });
    writers.start();

    const faults: Record<string, number> = { replicaKilled: 0, databaseCut: 0, postgresRestarted: 0 };
    const kinds = ['kill', 'cut', ...(options.realPostgresRestart ? ['restart'] : [])];
    const started = performance.now();
    for (let n = 0; performance.now() - started < options.seconds * 1000 - options.faultEveryMs; n++) {
      await sleep(options.faultEveryMs / 2);
      const kind = kinds[n % kinds.length];
      const faultAt = performance.now();
      if (kind === 'kill') {
        const victim = (n / kinds.length) % 2 === 0 ? 0 : 1;
        await cluster.signal(victim, 'SIGKILL');
        await sleep(1_000);
        await cluster.start(victim);
        faults.replicaKilled!++;
      } else if (kind === 'cut') {
        await cluster.proxy!.stop();
        await sleep(2_500);
        await cluster.proxy!.start();
        faults.databaseCut!++;
      } else {
        restartPostgres();
        faults.postgresRestarted!++;
      }
      log(
        `fault ${kind} at ${Math.round((faultAt - started) / 1000)} s, ${writers.acked.size} writes acknowledged`,
      );
      await sleep(Math.max(0, options.faultEveryMs / 2 - (performance.now() - faultAt)));
    }
    await writers.stop();
    let agentTotals: Record<string, number> = {};
    if (agent) {
      await agent.terminate();
      agentTotals = agent.totals();
      agent = undefined;
    }

    const stored = await storedMessages(cluster.db, prefix);
    const writes = compareWrites(writers.acked, stored);
    const { rows } = await cluster.db.query<{ n: number }>(
      `select count(*)::int as n from messages m join users u on u.id = m.user_id where u.bot and u.username like $1`,
      [`${swarm}%`],
    );
    const ids = await messageIdsAfter(cluster.db, baseline);
    const delivery = await awaitDelivery(subscribers, ids, 30_000);
    return {
      seconds: Math.round((performance.now() - started) / 1000),
      faults,
      writes: {
        attempts: writers.attempts,
        statuses: Object.fromEntries(writers.statusCounts),
        acknowledged: writes.acknowledged,
        stored: writes.stored,
      },
      lost: writes.lost.length,
      wrongId: writes.wrongId.length,
      duplicated: writes.duplicated,
      bots: {
        postsAcknowledged: agentTotals['post.ok'] ?? 0,
        postsStored: rows[0]?.n ?? 0,
        likesAcknowledged: agentTotals['like.ok'] ?? 0,
      },
      subscribers: subscribers.length,
      messagesStored: ids.length,
      missingPerSubscriber: delivery.missing,
      repeatedOrResync: subscribers.reduce((n, s) => n + s.repeated + s.resyncs, 0),
      reconnects: subscribers.reduce((n, s) => n + s.subscriptions - 1, 0),
      crashes: cluster.replicas.reduce((n, replica) => n + replica.crashes.length, 0),
      deliveryWaitMs: Math.round(delivery.ms),
    };
  } finally {
    for (const subscriber of subscribers) subscriber.stop();
    if (agent) await agent.terminate();
    await balancer.close();
    await cluster.close();
  }
}
