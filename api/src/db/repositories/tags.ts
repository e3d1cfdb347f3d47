// Tags: shared rows, created by the first post that names them, counted for the trending list.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { compiler, sqlOf } from '../kysely.ts';
import { prepared } from '../prepared.ts';

/** Creates those of `names` that do not exist yet; concurrent posts creating the same tag both succeed. */
export const insertTagsStatement = prepared(({ names }: { names: readonly string[] }) =>
  compiler
    .insertInto('tags')
    .columns(['name'])
    .expression(compiler.selectNoFrom(sql<string>`unnest(${names}::text[])`.as('name')))
    .onConflict((oc) => oc.column('name').doNothing()),
);

export const insertTags = async (em: EntityManager, names: readonly string[]) => {
  await sqlOf(em).executeQuery(insertTagsStatement({ names }));
};

/** The most used tags of the messages posted within `window` (a PostgreSQL interval, e.g. '24 hours'). */
export async function trendingTags(em: EntityManager, window: string, limit: number) {
  const rows = await sqlOf(em)
    .selectFrom('messages as m')
    .innerJoin('message_tags as mt', 'mt.message_id', 'm.id')
    .innerJoin('tags as t', 't.id', 'mt.tag_id')
    .select((eb) => ['t.name as tag', eb.fn.countAll<string>().as('count')])
    .where('m.created_at', '>', sql<string>`now() - ${window}::interval`)
    .groupBy('t.name')
    .orderBy((eb) => eb.fn.countAll(), 'desc')
    .orderBy('t.name', 'asc')
    .limit(limit)
    .execute();
  // count(*) is a bigint, which the driver reads as a string.
  return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
}
