// Baseline for feed reads, posts and likes: the same SQL and transactions as api/src/services/messages.ts
// (the post's statement imported from it),
// through raw `pg` in a bare Fastify handler (no plugins, no schemas, no ORM, no token check: the user id
// comes in `x-user-id`). DATABASE_URL is the database; DB_POOL_MAX as Flock's (10).
import { messageTags } from '@flock/shared';
import Fastify from 'fastify';
import pg from 'pg';
import { CommitNotifier } from '../../api/src/live/commit-notifier.ts';
import { INSERT_MESSAGE_SQL, INSERT_TAGS_SQL } from '../../api/src/services/messages.ts';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
});
const app = Fastify({ logger: false });

interface MessageRow {
  id: string;
  content: string;
  like_count: number;
  created_at: Date;
  username: string;
  bot: boolean;
  tags: string[];
  liked_by_me: boolean;
}

const COLUMNS = `m.id::text as id, m.content, m.like_count, m.created_at, u.username, u.bot,
  array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
        where mt.message_id = m.id order by t.name) as tags,
  exists(select 1 from likes l where l.message_id = m.id and l.user_id = $1) as liked_by_me`;

const toMessage = (row: MessageRow) => ({
  id: row.id,
  author: { username: row.username, bot: row.bot },
  content: row.content,
  tags: row.tags,
  likeCount: row.like_count,
  likedByMe: row.liked_by_me,
  createdAt: new Date(row.created_at).toISOString(),
});

const userOf = (headers: Record<string, unknown>) => Number(headers['x-user-id'] ?? 0);

app.get('/api/messages', async (request) => {
  const query = request.query as { tag?: string; limit?: string };
  const limit = Number(query.limit ?? 20);
  const params: unknown[] = [userOf(request.headers)];
  let from = 'messages m join users u on u.id = m.user_id';
  let where = '';
  let key = 'm.id';
  if (query.tag) {
    params.push(query.tag);
    from = 'message_tags mt join messages m on m.id = mt.message_id join users u on u.id = m.user_id';
    where = 'where mt.tag_id = (select id from tags where name = $2)';
    key = 'mt.message_id';
  }
  params.push(limit + 1);
  const { rows } = await pool.query<MessageRow>(
    `select ${COLUMNS} from ${from} ${where} order by ${key} desc limit $${params.length}`,
    params,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { items: page.map(toMessage), next: more ? (page.at(-1)?.id ?? null) : null };
});

const APPEND_EVENT = `with tx as materialized (select pg_current_xact_id())
  insert into events (type, payload) select $1, $2::jsonb from tx returning id::text as id`;

async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

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
  const tagList = JSON.stringify(tags);
  // As the API: the write first, and the tags only when one is new.
  const write = () =>
    pool.query<{ message: object; event_id: string }>(INSERT_MESSAGE_SQL, [userId, body.content, tagList]);
  let { rows } = await write();
  if (rows.length === 0 && tags.length > 0) {
    await pool.query(INSERT_TAGS_SQL, [tagList]);
    ({ rows } = await write());
  }
  const { message, event_id: eventId } = rows[0]!;
  notify(eventId);
  return reply.code(201).send(message);
});

app.put('/api/messages/:id/like', async (request, reply) => {
  const { id } = request.params as { id: string };
  const userId = userOf(request.headers);
  const result = await transaction(async (client) => {
    const changed = await client.query(
      `insert into likes (user_id, message_id) select $1, id from messages where id = $2
       on conflict do nothing returning message_id`,
      [userId, id],
    );
    if (changed.rowCount === 0) {
      const { rows } = await client.query<{ like_count: number }>(
        'select like_count from messages where id = $1',
        [id],
      );
      if (!rows[0]) return undefined;
      return { likeCount: rows[0].like_count, likedByMe: true, eventId: null };
    }
    const { rows } = await client.query<{
      like_count: number;
      username: string;
      bot: boolean;
      tags: string[];
    }>(
      `update messages m set like_count = m.like_count + $1 from users u
        where m.id = $2 and u.id = m.user_id
        returning m.like_count, u.username, u.bot,
          array(select t.name from message_tags mt join tags t on t.id = mt.tag_id
                where mt.message_id = m.id order by t.name) as tags`,
      [1, id],
    );
    const row = rows[0]!;
    const event = await client.query<{ id: string }>(APPEND_EVENT, [
      'message.liked',
      JSON.stringify({
        id,
        author: { username: row.username, bot: row.bot },
        tags: row.tags,
        likeCount: row.like_count,
      }),
    ]);
    return { likeCount: row.like_count, likedByMe: true, eventId: event.rows[0]!.id };
  });
  if (!result) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'Message not found' } });
  if (result.eventId) notify(result.eventId);
  return { likeCount: result.likeCount, likedByMe: result.likedByMe };
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
