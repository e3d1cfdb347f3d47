// Baseline for feed and home-timeline reads, posts and likes: the API's own statements (compiled by @flock/api/statements,
// the same SQL and parameters the API runs), through raw `pg` in a bare Fastify handler (no plugins, no
// schemas, no ORM, no token check: the user id comes in `x-user-id`). DATABASE_URL is the database;
// DB_POOL_MAX as Flock's (10).

import { CommitNotifier } from '@flock/api/commit-notifier';
import {
  feedPageStatement,
  homePageStatement,
  insertTagsStatement,
  likeCountStatement,
  likeStatement,
  postStatement,
} from '@flock/api/statements';
import { messageTags } from '@flock/shared';
import Fastify from 'fastify';
import type { CompiledQuery } from 'kysely';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
});
const app = Fastify({ logger: false });

/** Runs a compiled statement; its rows, as the statement types them. */
const run = async <Row>(statement: CompiledQuery<Row>) =>
  (await pool.query(statement.sql, [...statement.parameters])).rows as Row[];

const userOf = (headers: Record<string, unknown>) => Number(headers['x-user-id'] ?? 0);

app.get('/api/messages', async (request) => {
  const query = request.query as { tag?: string; limit?: string };
  const limit = Number(query.limit ?? 20);
  const rows = await run(
    feedPageStatement({ viewerId: userOf(request.headers), tag: query.tag, rows: limit + 1 }),
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map((row) => row.message);
  return { items: page, next: more ? (page.at(-1)?.id ?? null) : null };
});

app.get('/api/timelines/home', async (request) => {
  const query = request.query as { limit?: string };
  const limit = Number(query.limit ?? 20);
  const rows = await run(homePageStatement({ viewerId: userOf(request.headers), rows: limit + 1 }));
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map((row) => row.message);
  return { items: page, next: more ? (page.at(-1)?.id ?? null) : null };
});

// Commits announced as the API does: one NOTIFY at a time, carrying the commits made meanwhile.
const notifier = new CommitNotifier(
  (payload) => pool.query('select pg_notify($1, $2)', ['flock_events_bench', payload]),
  () => {},
);
const notify = (eventId: string) => notifier.notify({ id: eventId, at: Date.now() });

app.post('/api/messages', async (request, reply) => {
  const body = request.body as { content: string; tags?: string[] };
  const tags = messageTags(body.content, body.tags).slice(0, 10);
  const userId = userOf(request.headers);
  // As the API: the write first, and the tags only when one is new.
  const write = () => run(postStatement({ authorId: userId, content: body.content, tags }));
  let [row] = await write();
  if (!row && tags.length > 0) {
    await run(insertTagsStatement({ names: tags }));
    [row] = await write();
  }
  notify(row!.event_id);
  return reply.code(201).send(row!.message);
});

app.put('/api/messages/:id/like', async (request, reply) => {
  const { id } = request.params as { id: string };
  // As the API: one statement, and the count alone when it changed nothing.
  const [liked] = await run(likeStatement({ userId: userOf(request.headers), messageId: id, liked: true }));
  if (liked) {
    notify(liked.event_id);
    return { likeCount: liked.like_count, likedByMe: true };
  }
  const [unchanged] = await run(likeCountStatement({ messageId: id }));
  if (!unchanged) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'Message not found' } });
  return { likeCount: unchanged.like_count, likedByMe: true };
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening ${url}`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
