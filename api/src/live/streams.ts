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
}

export function streamsOf(event: Pick<RoutedEvent, 'author' | 'tags'>): StreamName[] {
  return ['public', `user:${event.author}`, ...event.tags.map((tag) => `tag:${tag}`)];
}
