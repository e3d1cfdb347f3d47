// `npm run chaos`: the long fault-injection runs, on 127.0.0.1, bounded, stopping by themselves.
//   1. No acknowledged write lost: writers and bots for --minutes (default 3) against two replicas while
//      replicas are SIGKILLed, the database connection is cut and the real PostgreSQL is restarted, in turn.
//   2. Overload: twice the sustainable rate for 30 s; goodput must stay >= 80% of the sustainable rate.
// A real restart stops every database on the machine's server: it is skipped (and said so) when another
// test's database is in use, unless --force-pg-restart; --no-pg-restart skips it always.
// Prints one JSON report per run and exits 1 if any pass criterion failed.
import { parseArgs } from 'node:util';
import { ADMIN_URL } from '@flock/testkit/databases';
import pg from 'pg';
import { exitOnSignals, startCluster } from './lib/cluster.ts';
import { runOverload } from './lib/overload-run.ts';
import { runSetScenario } from './lib/set-run.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    'force-pg-restart': { type: 'boolean', default: false },
    'no-pg-restart': { type: 'boolean', default: false },
    'overload-seconds': { type: 'string', default: '30' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 120)) throw new Error('--minutes must be in (0, 120]');
exitOnSignals();
const log = (line: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function otherTestDatabases(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like 'flock_test_%'",
    );
    return rows.map((row) => row.datname);
  } finally {
    await admin.end();
  }
}

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  log(`${ok ? 'pass' : 'FAIL'}: ${what}`);
};

let restart = !values['no-pg-restart'];
if (restart && !values['force-pg-restart']) {
  const others = await otherTestDatabases();
  if (others.length > 0) {
    restart = false;
    log(
      `real PostgreSQL restart skipped: ${others.length} other test database(s) in use (--force-pg-restart)`,
    );
  }
}

log(`no acknowledged write lost: ${minutes} min, faults every 10 s, real restart ${restart ? 'on' : 'off'}`);
const set = await runSetScenario({
  seconds: minutes * 60,
  faultEveryMs: 10_000,
  realPostgresRestart: restart,
  bots: 10,
  log,
});
console.log(JSON.stringify({ scenario: 'no-write-lost', realPostgresRestart: restart, ...set }));
check(
  set.lost === 0 && set.wrongId === 0,
  `every acknowledged write stored (${set.writes.acknowledged} acknowledged)`,
);
check(set.duplicated === 0, 'no write stored twice');
check(set.bots.postsStored >= set.bots.postsAcknowledged, 'every acknowledged bot post stored');
check(
  set.missingPerSubscriber.every((missing) => missing === 0) && set.repeatedOrResync === 0,
  `every stored message (${set.messagesStored}) reached all ${set.subscribers} subscribers once`,
);
check(set.crashes === 0, 'no replica crashed');

const seconds = Number(values['overload-seconds']);
log(`overload: twice the sustainable rate for ${seconds} s`);
const cluster = await startCluster({ replicas: 1, env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '50' } });
try {
  const overload = await runOverload(cluster, seconds);
  console.log(JSON.stringify({ scenario: 'overload', ...overload }));
  check(
    overload.shed > 0 && overload.shedWithRetryAfter === overload.shed,
    'excess shed with 503 + Retry-After',
  );
  check(overload.healthz.non200 === 0 && overload.healthz.maxMs < 1_000, '/healthz answered 200 within 1 s');
  check(
    overload.rssPeakMiB - overload.rssBaselineMiB < 512 && cluster.replicas[0]!.crashes.length === 0,
    'no OOM',
  );
  check(
    overload.goodputRatio >= 0.8,
    `goodput ${overload.goodput}/s >= 80% of sustainable ${overload.sustainable}/s`,
  );
} finally {
  await cluster.close();
}

log(failures.length === 0 ? 'all pass' : `${failures.length} failed: ${failures.join('; ')}`);
process.exit(failures.length === 0 ? 0 : 1);
