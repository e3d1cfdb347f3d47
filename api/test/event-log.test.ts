// The event log against real concurrency: transactions that commit out of id order must neither be
// skipped nor delivered twice, and delivery is always in id order.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION_NAME } from '../src/db/orm.ts';
import { EventLog } from '../src/live/event-log.ts';
import { appendEventsStatement } from '../src/live/outbox.ts';
import type { RoutedEvent } from '../src/live/streams.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const appended = appendEventsStatement([
  { type: 'message.deleted', payload: { id: '1', author: { username: 'writer', bot: false }, tags: [] } },
]);
const APPEND_EVENT = { sql: appended.sql, values: [...appended.parameters] };

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: t.database.url });
  await c.connect();
  return c;
}

function collectingLog(maxWaitMs?: number) {
  const delivered: RoutedEvent[] = [];
  const errors: unknown[] = [];
  const abandoned: string[] = [];
  const log = new EventLog({
    em: () => t.orm.em.fork(),
    onEvents: (events) => delivered.push(...events),
    onError: (error) => errors.push(error),
    onAbandoned: (xids) => abandoned.push(...xids),
    ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
  });
  return { log, delivered, errors, abandoned };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('event log', () => {
  it('holds back a later event until an earlier, still open transaction commits', async () => {
    const { log, delivered, errors } = collectingLog();
    log.wake();
    await log.ready;
    const [a, b] = [await client(), await client()];
    try {
      await a.query('begin');
      const idA = (await a.query(APPEND_EVENT.sql, APPEND_EVENT.values)).rows[0].id;
      await b.query('begin');
      const idB = (await b.query(APPEND_EVENT.sql, APPEND_EVENT.values)).rows[0].id;
      await b.query('commit');
      expect(BigInt(idB)).toBeGreaterThan(BigInt(idA));

      log.wake();
      await settle(300);
      // B committed first, but A holds a lower id: delivering B now would skip A for good.
      expect(delivered.map((e) => e.id)).toEqual([]);

      await a.query('commit');
      log.wake();
      await settle(300);
      expect(delivered.map((e) => e.id.toString())).toEqual([String(idA), String(idB)]);
      expect(errors).toEqual([]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('gives up on a transaction open past the wait limit, names it, and delivers what committed', async () => {
    const { log, delivered, errors, abandoned } = collectingLog(500);
    log.wake();
    await log.ready;
    const [idle, writer] = [await client(), await client()];
    try {
      // A foreign session that took a transaction id and went quiet (no timeout of ours applies to it).
      await idle.query('begin');
      const xid = (await idle.query('select pg_current_xact_id()::text as xid')).rows[0].xid;
      const id = (await writer.query(APPEND_EVENT.sql, APPEND_EVENT.values)).rows[0].id;
      log.wake();
      await settle(200);
      expect(delivered.map((e) => e.id.toString())).toEqual([]);

      await settle(600);
      log.wake();
      await settle(200);
      expect(delivered.map((e) => e.id.toString())).toEqual([String(id)]);
      expect(abandoned).toEqual([xid]);
      expect(errors).toEqual([]);
    } finally {
      await idle.end();
      await writer.end();
    }
  });

  it('never gives up on a transaction of the API’s own sessions: its event arrives, in order', async () => {
    const { log, delivered, errors, abandoned } = collectingLog(300);
    log.wake();
    await log.ready;
    // Named as the API names its pool's sessions: a slow transaction of ours, past the wait limit.
    const own = new pg.Client({ connectionString: t.database.url, application_name: APPLICATION_NAME });
    await own.connect();
    const writer = await client();
    const polling = setInterval(() => log.wake(), 20);
    try {
      await own.query('begin');
      const slow = (await own.query(APPEND_EVENT.sql, APPEND_EVENT.values)).rows[0].id;
      const fast = (await writer.query(APPEND_EVENT.sql, APPEND_EVENT.values)).rows[0].id;
      await settle(1_000);
      // Giving up here would deliver `fast` and skip `slow` for good once it commits.
      expect(delivered.map((e) => e.id.toString())).toEqual([]);
      expect(abandoned).toEqual([]);

      await own.query('commit');
      await settle(300);
      expect(delivered.map((e) => e.id.toString())).toEqual([String(slow), String(fast)]);
      expect(errors).toEqual([]);
    } finally {
      clearInterval(polling);
      await own.end();
      await writer.end();
    }
  });

  it('delivers every committed event exactly once, in id order, under 10 overlapping writers', async () => {
    const { log, delivered, errors } = collectingLog();
    log.wake();
    await log.ready;
    const start = log.cursor;
    const writers = await Promise.all(Array.from({ length: 10 }, () => client()));
    const committed: bigint[] = [];
    const rolledBack: bigint[] = [];
    const polling = setInterval(() => log.wake(), 5);
    try {
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let i = 0; i < 40; i++) {
            await writer.query('begin');
            const { rows } = await writer.query(APPEND_EVENT.sql, APPEND_EVENT.values);
            // Hold some transactions open while others commit, so commits land out of id order.
            if ((w + i) % 3 === 0) await settle(Math.random() * 15);
            const rollback = (w * 40 + i) % 17 === 0;
            await writer.query(rollback ? 'rollback' : 'commit');
            (rollback ? rolledBack : committed).push(BigInt(rows[0].id));
          }
        }),
      );
      const expected = committed.sort((x, y) => (x < y ? -1 : 1));
      const deadline = Date.now() + 10_000;
      while (delivered.length < expected.length && Date.now() < deadline) await settle(20);
      const ids = delivered.map((e) => e.id).filter((id) => id > start);
      expect(ids).toEqual(expected);
      expect(rolledBack.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      clearInterval(polling);
      await Promise.all(writers.map((writer) => writer.end()));
    }
  });
});
