import type { Activity, ActivityWindow } from '@flock/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import * as activity from '../db/repositories/activity.ts';
import * as tags from '../db/repositories/tags.ts';

/** The hour by the minute; the day by ten minutes (144 points: a phone's width still shows them apart). */
const WINDOWS = {
  hour: { step: '1 minute', bucketSeconds: 60, buckets: 60, interval: '1 hour' },
  day: { step: '10 minutes', bucketSeconds: 600, buckets: 144, interval: '24 hours' },
} as const;

const TOP_TAGS = 10;

/** Activity over `window`; the live connections are counted by the caller (they live in this process). */
export async function activityOver(
  em: EntityManager,
  window: ActivityWindow,
  liveConnections: number,
): Promise<Activity> {
  const shape = WINDOWS[window];
  // One after the other: the request's EntityManager has one connection.
  const series = await activity.activitySeries(em, shape);
  const activeUsers = await activity.activeUsers(em);
  const topTags = await tags.trendingTags(em, shape.interval, TOP_TAGS);
  return { window, bucketSeconds: shape.bucketSeconds, series, activeUsers, liveConnections, topTags };
}

/** Distinct accounts, people and bots together, active in the last 5 minutes and the last hour. */
export async function activeAccounts(em: EntityManager) {
  const { last5m, last1h } = await activity.activeUsers(em);
  return { '5m': last5m.people + last5m.bots, '1h': last1h.people + last1h.bots };
}
