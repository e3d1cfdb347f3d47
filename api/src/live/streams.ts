import type { LiveEventType, StreamName } from '@flock/shared';

/** What the streams of an event are decided from: every event is about one message. */
export interface RoutedEvent {
  id: bigint;
  type: LiveEventType;
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

export function streamsOf(event: Pick<RoutedEvent, 'author' | 'tags'>): StreamName[] {
  return ['public', `user:${event.author}`, ...event.tags.map((tag) => `tag:${tag}`)];
}
