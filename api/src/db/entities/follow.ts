import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

/**
 * Follows as history: a row is a follow from its `follow.created` event on, until its `follow.removed` event
 * (unfollowed_event_id), so the live feed can know who followed whom as of any event id. At most one row of
 * a pair is active (the partial unique index); an account's deletion takes its rows, both ways, with it.
 */
export const Follow = defineEntity({
  name: 'Follow',
  tableName: 'follows',
  indexes: [
    // The followers and the following lists, most recent first (keyset on id), active rows only.
    { properties: ['followee', 'id'], where: 'unfollowed_event_id is null' },
    { properties: ['follower', 'id'], where: 'unfollowed_event_id is null' },
    // The ended rows, few (pruned with the events they outlive): an account's follow set as of an event id
    // (those ended since it), and the pruning (live/follow-history.ts).
    { properties: ['follower', 'unfollowedEventId'], where: 'unfollowed_event_id is not null' },
    { properties: ['unfollowedEventId'], where: 'unfollowed_event_id is not null' },
  ],
  // One active follow a pair: it is also what the home timeline reads the followed accounts by.
  uniques: [{ properties: ['follower', 'followee'], where: 'unfollowed_event_id is null' }],
  checks: [{ name: 'follows_not_self', expression: 'follower_id <> followee_id' }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    follower: () => p.manyToOne(User).deleteRule('cascade'),
    followee: () => p.manyToOne(User).deleteRule('cascade'),
    followedEventId: p.bigint('string'),
    unfollowedEventId: p.bigint('string').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
