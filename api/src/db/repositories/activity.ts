// Activity over a recent window, counted by the database: posts, likes and sign-ups per bucket, and the
// accounts that were active lately. Figures are people and bots apart (the users' `bot` flag).
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { sqlOf } from '../kysely.ts';

export interface SeriesShape {
  /** Bucket length, e.g. '1 minute'. */
  step: string;
  /** How many buckets, the last being the one now under way. */
  buckets: number;
}

interface BucketRow {
  start: string;
  posts_people: number;
  posts_bots: number;
  likes_people: number;
  likes_bots: number;
  signups_people: number;
  signups_bots: number;
}

/**
 * One row per bucket, oldest first, empty buckets included. Buckets are aligned on the epoch (date_bin), so
 * every replica and every poll cuts the same ones. Each table is read once, from the window's start (the
 * messages through their created_at index), and its rows grouped by bucket before the buckets are joined.
 */
export async function activitySeries(em: EntityManager, { step, buckets }: SeriesShape) {
  const { rows } = await sql<BucketRow>`
    with bounds as (
      select date_bin(${step}::interval, now(), 'epoch') - (${buckets}::int - 1) * ${step}::interval as first
    ),
    events as (
      select m.created_at as at, u.bot, 'post' as kind
        from messages m join users u on u.id = m.user_id, bounds where m.created_at >= bounds.first
      union all
      select l.created_at, u.bot, 'like'
        from likes l join users u on u.id = l.user_id, bounds where l.created_at >= bounds.first
      union all
      select u.created_at, u.bot, 'signup' from users u, bounds where u.created_at >= bounds.first
    ),
    counted as (
      select date_bin(${step}::interval, at, 'epoch') as start,
        count(*) filter (where kind = 'post' and not bot)::int as posts_people,
        count(*) filter (where kind = 'post' and bot)::int as posts_bots,
        count(*) filter (where kind = 'like' and not bot)::int as likes_people,
        count(*) filter (where kind = 'like' and bot)::int as likes_bots,
        count(*) filter (where kind = 'signup' and not bot)::int as signups_people,
        count(*) filter (where kind = 'signup' and bot)::int as signups_bots
      from events group by 1
    )
    select to_char(b.start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start,
      coalesce(c.posts_people, 0) as posts_people, coalesce(c.posts_bots, 0) as posts_bots,
      coalesce(c.likes_people, 0) as likes_people, coalesce(c.likes_bots, 0) as likes_bots,
      coalesce(c.signups_people, 0) as signups_people, coalesce(c.signups_bots, 0) as signups_bots
    from bounds, generate_series(bounds.first, bounds.first + (${buckets}::int - 1) * ${step}::interval,
      ${step}::interval) as b(start)
    left join counted c on c.start = b.start
    order by b.start`.execute(sqlOf(em));
  return rows.map((row) => ({
    start: row.start,
    posts: { people: row.posts_people, bots: row.posts_bots },
    likes: { people: row.likes_people, bots: row.likes_bots },
    signups: { people: row.signups_people, bots: row.signups_bots },
  }));
}

interface ActiveRow {
  people_5m: number;
  bots_5m: number;
  people_1h: number;
  bots_1h: number;
}

/** Distinct accounts that posted or liked in the last 5 minutes and in the last hour. */
export async function activeUsers(em: EntityManager) {
  const { rows } = await sql<ActiveRow>`
    with recent as (
      select user_id, created_at as at from messages where created_at > now() - interval '1 hour'
      union all
      select user_id, created_at from likes where created_at > now() - interval '1 hour'
    )
    select
      count(distinct r.user_id) filter (where not u.bot and r.at > now() - interval '5 minutes')::int as people_5m,
      count(distinct r.user_id) filter (where u.bot and r.at > now() - interval '5 minutes')::int as bots_5m,
      count(distinct r.user_id) filter (where not u.bot)::int as people_1h,
      count(distinct r.user_id) filter (where u.bot)::int as bots_1h
    from recent r join users u on u.id = r.user_id`.execute(sqlOf(em));
  const row = rows[0]!;
  return {
    last5m: { people: row.people_5m, bots: row.bots_5m },
    last1h: { people: row.people_1h, bots: row.bots_1h },
  };
}
