import type { StreamName } from '@flock/shared';
import { type EventType, type FollowEventType, INTERNAL_EVENT_TYPES } from './outbox.ts';

/** Who follows whom, from a `follow.created` or `follow.removed` event. */
export interface FollowChange {
  followerId: number;
  followeeId: number;
  followee: string;
}

/**
 * What the streams of an event are decided from: every client-facing event is about one message.
 * The internal events are on no stream: `account.deleted` tells each replica to close that account's
 * connections (and drops it from every `home` routing), a follow event moves the follower's `home` routing.
 */
export interface RoutedEvent {
  id: bigint;
  type: EventType;
  /** For `account.deleted`: the account whose connections close. */
  accountId?: number;
  /** For `follow.created` and `follow.removed`. */
  follow?: FollowChange;
  /** The event's data, serialised once and shared by every connection it is sent to. */
  json: string;
  author: string;
  tags: string[];
  /** When the write committed (ms since epoch), for the commit-to-send latency. */
  committedAt: number;
  /** The event's encoded frames during one dispatch, by set of streams (see frames.ts). */
  frames?: Map<string, Buffer>;
}

const FOLLOW_EVENTS: ReadonlySet<EventType> = new Set<FollowEventType>(['follow.created', 'follow.removed']);

export const isFollowEvent = (event: Pick<RoutedEvent, 'type'>): boolean => FOLLOW_EVENTS.has(event.type);

/** An event no client is ever sent. */
export const isInternal = (event: Pick<RoutedEvent, 'type'>): boolean => INTERNAL_EVENT_TYPES.has(event.type);

/**
 * The streams every subscriber shares. `home` is not among them: whether an event is on a connection's
 * `home` depends on whom that connection's account follows (home-routes.ts).
 */
export function streamsOf(event: Pick<RoutedEvent, 'type' | 'author' | 'tags'>): StreamName[] {
  if (isInternal(event)) return [];
  return ['public', `user:${event.author}`, ...event.tags.map((tag) => `tag:${tag}`)];
}
