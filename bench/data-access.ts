// The data layer's hot paths, in process, two ways on one seeded database: MikroORM's entity API (unit of
// work, identity map; the feed also as one QueryBuilder statement) against the typed Kysely statements the
// API runs (api/src/db/repositories). No HTTP, no framework: what the choice between them costs per
// operation. `node bench/data-access.ts [--quick]`; the decision and its figures: api/README.md.

import { Event, Like, Message, MessageTag, Tag, User } from '@flock/api/db/entities';
import { compiler, sqlOf } from '@flock/api/db/kysely';
import { likedBy, tagNames } from '@flock/api/db/message-presenter';
import { migrate } from '@flock/api/db/migrate';
import { openOrm } from '@flock/api/db/orm';
import { prepared } from '@flock/api/db/prepared';
import { likeQuery, writeLike } from '@flock/api/db/repositories/likes';
import { feedPageQuery, postQuery, readFeedPage, writePost } from '@flock/api/db/repositories/messages';
import { createTestDatabase } from '@flock/testkit/databases';
import { raw } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import pg from 'pg';
import { messageIds, seedMessages, seedUsers } from './lib/common.ts';
import { round, summarise } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 5;
const OPS = quick ? 50 : 400;
const CONCURRENCY = 4;
const TAGS = ['birds', 'kubernetes', 'flock'];

type Operation = (em: EntityManager, n: number) => Promise<unknown>;

// ---- the entity API: what the code would be written as with the ORM's own means ----

const entityApi = {
  async feed(em: EntityManager, viewerId: number, tag?: string) {
    const messages = tag
      ? (
          await em.find(
            MessageTag,
            { tag: { name: tag } },
            { populate: ['message.user'], orderBy: { message: 'desc' }, limit: 21 },
          )
        ).map((link) => link.message)
      : await em.find(Message, {}, { populate: ['user'], orderBy: { id: 'desc' }, limit: 21 });
    const ids = messages.map((message) => message.id);
    const links = await em.find(MessageTag, { message: { $in: ids } }, { populate: ['tag'] });
    const liked = new Set(
      (await em.find(Like, { user: viewerId, message: { $in: ids } })).map((like) => like.message.id),
    );
    return messages.map((message) => ({
      id: message.id,
      author: { username: message.user.username, bot: message.user.bot },
      content: message.content,
      tags: links.filter((link) => link.message.id === message.id).map((link) => link.tag.name),
      likeCount: message.likeCount,
      likedByMe: liked.has(message.id),
      createdAt: message.createdAt.toISOString(),
    }));
  },

  post: (em: EntityManager, authorId: number, content: string) =>
    em.transactional(async (tx) => {
      const author = await tx.findOneOrFail(User, authorId);
      const tags = await tx.find(Tag, { name: { $in: TAGS } }, { orderBy: { name: 'asc' } });
      const message = tx.create(Message, { user: author, content, likeCount: 0, createdAt: new Date() });
      for (const tag of tags) tx.create(MessageTag, { message, tag });
      await tx.flush();
      const payload = {
        id: message.id,
        author: { username: author.username, bot: author.bot },
        content,
        tags: tags.map((tag) => tag.name),
        likeCount: 0,
        likedByMe: false,
        createdAt: message.createdAt.toISOString(),
      };
      tx.create(Event, { type: 'message.created', payload, createdAt: new Date() });
      await tx.flush();
      return payload;
    }),

  like: (em: EntityManager, userId: number, messageId: string) =>
    em.transactional(async (tx) => {
      const inserted = await tx
        .createQueryBuilder(Like)
        .insert({ user: userId, message: messageId, createdAt: new Date() })
        .onConflict()
        .ignore()
        .execute('run');
      if (inserted.affectedRows === 0) return (await tx.findOneOrFail(Message, messageId)).likeCount;
      await tx
        .createQueryBuilder(Message)
        .update({ likeCount: raw('like_count + 1') })
        .where({ id: messageId })
        .execute();
      const message = await tx.findOneOrFail(Message, messageId, { populate: ['user'], refresh: true });
      const links = await tx.find(MessageTag, { message: messageId }, { populate: ['tag'] });
      const payload = {
        id: messageId,
        author: { username: message.user.username, bot: message.user.bot },
        tags: links.map((link) => link.tag.name).sort(),
        likeCount: message.likeCount,
      };
      tx.create(Event, { type: 'message.liked', payload, createdAt: new Date() });
      await tx.flush();
      return message.likeCount;
    }),
};

interface FeedRow {
  id: string;
  content: string;
  like_count: number;
  created_at: string;
  username: string;
  bot: boolean;
  tags: string[];
  liked_by_me: boolean;
}

const toMessage = (row: FeedRow) => ({
  id: row.id,
  author: { username: row.username, bot: row.bot },
  content: row.content,
  tags: row.tags,
  likeCount: row.like_count,
  likedByMe: row.liked_by_me,
  createdAt: new Date(row.created_at).toISOString(),
});

/**
 * The feed as one QueryBuilder statement, rows mapped to the API's shape as the API did before: the
 * subqueries are raw SQL (the QueryBuilder types no array()), and so is the row type.
 */
const queryBuilderFeed = async (em: EntityManager, viewerId: number) =>
  (
    await em
      .createQueryBuilder(Message, 'm')
      .join('m.user', 'u')
      .select([
        'm.id',
        'm.content',
        'm.likeCount',
        'm.createdAt',
        'u.username',
        'u.bot',
        raw(`array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
             where mt.message_id = m.id order by t.name) as tags`),
        raw('exists(select 1 from likes l where l.message_id = m.id and l.user_id = ?) as liked_by_me', [
          viewerId,
        ]),
      ] as const)
      .orderBy({ id: 'desc' })
      .limit(21)
      .execute<FeedRow[]>('all', false)
  ).map(toMessage);

/** The shipped feed's statement without the presenter's json: columns, mapped to the API's shape here. */
const feedRows = prepared(({ viewerId }: { viewerId: number }) =>
  compiler
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select((eb) => [
      sql<string>`m.id::text`.as('id'),
      'm.content',
      'm.like_count',
      'm.created_at',
      'u.username',
      'u.bot',
      tagNames(eb).as('tags'),
      likedBy(eb, viewerId).as('liked_by_me'),
    ])
    .orderBy('m.id', 'desc')
    .limit(21),
);

// ---- the runs ----

/** `OPS` operations, `CONCURRENCY` at a time, each on a fresh fork (as a request gets); operations/s. */
async function throughput(orm: MikroORM, operation: Operation, offset: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPS) await operation(orm.em.fork(), offset + next++);
    }),
  );
  return (OPS / (performance.now() - started)) * 1000;
}

const database = await createTestDatabase();
const orm = await openOrm({ databaseUrl: database.url, poolMax: 10 });
const pool = new pg.Pool({ connectionString: database.url, max: 4 });
try {
  await migrate(orm, { lock: false });
  const users = await seedUsers(pool, 200);
  await seedMessages(pool, users, quick ? 2_000 : 20_000);
  await pool.query('insert into tags (name) select unnest($1::text[]) on conflict do nothing', [TAGS]);
  const ids = await messageIds(pool, 10_000);
  const viewer = users[0]!.id;

  const feed = { viewerId: viewer, rows: 21 };
  const tagFeed = { ...feed, tag: 'tag7' };
  const post = { authorId: viewer, content: 'a post about #birds and #kubernetes', tags: TAGS.toSorted() };
  const like = (n: number, way: number) => ({ userId: users[way * 50]!.id, messageId: ids[n]!, liked: true });
  // "built per call": the same statements built and compiled by Kysely on every call, as a query builder is
  // normally used; "compiled once": as the API runs them (db/prepared.ts).
  const paths: { name: string; ways: Record<string, Operation> }[] = [
    {
      name: 'feed, limit 20',
      ways: {
        'entity API': (em) => entityApi.feed(em, viewer),
        QueryBuilder: (em) => queryBuilderFeed(em, viewer),
        'Kysely, built per call': (em) => feedPageQuery(sqlOf(em), feed).execute(),
        'Kysely, compiled once': (em) => readFeedPage(em, feed),
        'the same, rows mapped in JS': async (em) =>
          (await sqlOf(em).executeQuery(feedRows({ viewerId: viewer }))).rows.map(toMessage),
      },
    },
    {
      name: 'feed, limit 20, tag',
      ways: {
        'entity API': (em) => entityApi.feed(em, viewer, 'tag7'),
        'Kysely, built per call': (em) => feedPageQuery(sqlOf(em), tagFeed).execute(),
        'Kysely, compiled once': (em) => readFeedPage(em, tagFeed),
      },
    },
    {
      name: 'post',
      ways: {
        'entity API': (em) => entityApi.post(em, viewer, post.content),
        'Kysely, built per call': (em) => postQuery(sqlOf(em), post).execute(),
        'Kysely, compiled once': (em) => writePost(em, post),
      },
    },
    {
      // Each like is a real change: operation n likes message n, by an account of its own for each way.
      name: 'like',
      ways: {
        'entity API': (em, n) => entityApi.like(em, like(n, 0).userId, like(n, 0).messageId),
        'Kysely, built per call': (em, n) => likeQuery(sqlOf(em), like(n, 1)).execute(),
        'Kysely, compiled once': (em, n) => writeLike(em, like(n, 2)),
      },
    },
  ];

  console.log(`${OPS} operations × ${ROUNDS} rounds per way, ${CONCURRENCY} at a time, pool of 10`);
  for (const path of paths) {
    const runs: Record<string, number[]> = Object.fromEntries(Object.keys(path.ways).map((way) => [way, []]));
    for (let round = 0; round < ROUNDS + 1; round++) {
      // The first round warms up; the ways alternate, so drift on a shared machine hits each alike.
      for (const [way, operation] of Object.entries(path.ways)) {
        const perSecond = await throughput(orm, operation, round * OPS * 2);
        if (round > 0 || ROUNDS === 1) runs[way]!.push(perSecond);
      }
    }
    for (const [way, values] of Object.entries(runs)) {
      const { median, spreadPct } = summarise(values);
      console.log(
        `${path.name.padEnd(22)} ${way.padEnd(28)} ${String(round(median, 0)).padStart(6)}/s  spread ${spreadPct}%`,
      );
    }
  }
} finally {
  await pool.end();
  await orm.close();
  await database.drop();
}
