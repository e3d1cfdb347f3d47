import type { StreamName } from '@flock/shared';
import type { EventType } from './outbox.ts';

/**
 * What the streams of an event are decided from: every client-facing event is about one message.
 * `account.deleted` is on no stream: it tells each replica to close that account's connections.
 */
export interface RoutedEvent {
  id: bigint;
  type: EventType;
  /** For `account.deleted`: the account whose connections close. */
  accountId?: number;
  /** The event's data, serialised once and shared by every connection it is sent to. */
  json: string;
  author: string;
  tags: string[];
  /** When the write committed (ms since epoch), for the commit-to-send latency. */
  committedAt: number;
  /** The event's encoded frames during one dispatch, by set of streams (see frames.ts). */
  frames?: Map<string, Buffer>;
}

export function streamsOf(event: Pick<RoutedEvent, 'type' | 'author' | 'tags'>): StreamName[] {
  if (event.type === 'account.deleted') return [];
  return ['public', `user:${event.author}`, ...event.tags.map((tag) => `tag:${tag}`)];
}
