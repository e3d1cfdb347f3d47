import type { LiveEventType, StreamName } from '@flock/shared';

/**
 * What the streams of an event are decided from: every client-facing event is about one message.
 * `account.deleted` is on no stream: it tells each replica to close that account's connections.
 */
export interface RoutedEvent {
  id: bigint;
  type: LiveEventType | 'account.deleted';
  /** For `account.deleted`: the account whose connections close. */
  accountId?: number;
  /** The event's data, serialised once and shared by every connection it is sent to. */
  json: string;
  author: string;
  tags: string[];
  /** When the write committed (ms since epoch), for the commit-to-send latency. */
  committedAt: number;
  /**
   * The event's frames, encoded once per set of matching streams and shared by every connection that
   * gets that set (most get `public` alone): fan-out then costs one send per connection, not one
   * serialisation and UTF-8 encoding each.
   */
  frames?: Map<string, Buffer>;
}

export function streamsOf(event: Pick<RoutedEvent, 'type' | 'author' | 'tags'>): StreamName[] {
  if (event.type === 'account.deleted') return [];
  return ['public', `user:${event.author}`, ...event.tags.map((tag) => `tag:${tag}`)];
}
