// Table maintenance for servers whose autovacuum is off (this machine's is): the tables past autovacuum's
// thresholds are found and analyzed or vacuumed, and with statistics a popular tag's feed walks its index
// for one page instead of sorting the whole tag (the soak's 503 burst, docs/reliability.md finding 5).

import { createTestDatabase, type TestDatabase } from '@flock/testkit/databases';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOf } from '../src/db/kysely.ts';
import { openOrm } from '../src/db/orm.ts';
import { feedPageStatement } from '../src/db/repositories/messages.ts';
import { type MaintenanceNeed, maintainTables, tablesNeedingMaintenance } from '../src/db/statistics.ts';

let database: TestDatabase;
let orm: MikroORM;
// The bare schema, without the app: its own maintenance timer would race the assertions.
beforeAll(async () => {
  database = await createTestDatabase();
  orm = await openOrm({ databaseUrl: database.url, poolMax: 2 });
  await orm.migrator.up();
});
afterAll(async () => {
  await orm?.close();
  await database?.drop();
});

const em = (): EntityManager => orm.em.fork();

/** Backends report their row counts to the statistics system at most once a second. */
async function needsOnceReported(check: (needs: MaintenanceNeed[]) => boolean): Promise<MaintenanceNeed[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const needs = await tablesNeedingMaintenance(em());
    if (check(needs) || Date.now() > deadline) return needs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const reltuples = async (table: string) =>
  Number(
    (
      await em().execute<{ n: number }[]>('select reltuples as n from pg_class where relname = ?', [table])
    )[0]!.n,
  );

describe('table maintenance without autovacuum', () => {
  it('analyzes tables past the threshold, and a popular tag then pages through its index', async () => {
    await em().execute(
      `insert into users (username, email, password_hash) values ('writer', 'w@example.test', 'x')`,
    );
    await em().execute(`insert into tags (name) values ('popular'), ('rare')`);
    await em().execute(
      `insert into messages (user_id, content) select 1, 'message ' || g || ' #popular' from generate_series(1, 3000) g`,
    );
    await em().execute(
      `insert into message_tags (message_id, tag_id) select id, (select id from tags where name = 'popular') from messages`,
    );

    const before = await needsOnceReported((needs) => needs.some((n) => n.table === 'message_tags'));
    // Two tags and one user are under autovacuum's floor of 50 changed rows.
    expect(before).toEqual([
      { table: 'message_tags', vacuum: false },
      { table: 'messages', vacuum: false },
    ]);

    await maintainTables(em(), before);
    expect(await reltuples('messages')).toBe(3000);
    expect(await reltuples('message_tags')).toBe(3000);
    const after = await needsOnceReported((needs) => needs.length === 0);
    expect(after).toEqual([]);

    const feed = feedPageStatement({ viewerId: 0, tag: 'popular', rows: 21 });
    const explain = CompiledQuery.raw(`explain ${feed.sql}`, [...feed.parameters]);
    const plan = (await sqlOf(em()).executeQuery<{ 'QUERY PLAN': string }>(explain)).rows
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('Index Only Scan Backward using message_tags_tag_id_message_id_index');
    expect(plan).not.toContain('Sort Key: mt.message_id');
  });

  it('vacuums a table once a fifth of its rows are dead', async () => {
    await em().execute('delete from messages where id <= 1000');
    const needs = await needsOnceReported((list) => list.some((n) => n.table === 'messages' && n.vacuum));
    expect(needs.find((n) => n.table === 'messages')).toEqual({ table: 'messages', vacuum: true });

    await maintainTables(em(), needs);
    const [stats] = await needsOnceReported((list) => list.length === 0).then(() =>
      em().execute<{ dead: string }[]>(
        `select n_dead_tup::text as dead from pg_stat_user_tables where relname = 'messages'`,
      ),
    );
    expect(stats!.dead).toBe('0');
    expect(await reltuples('messages')).toBe(2000);
  });
});
