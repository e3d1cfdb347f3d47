// The one place server frames become text, typed against the wire's `ServerFrame` (shared/src/live.ts).
import {
  type EventFrame,
  LIVE_EVENT_TYPES,
  type LiveEventType,
  type ServerFrame,
  type StreamName,
} from '@flock/shared';
import type { RoutedEvent } from './streams.ts';

export const encodeFrame = (frame: ServerFrame): string => JSON.stringify(frame);

const isLiveEventType = (type: string): type is LiveEventType =>
  (LIVE_EVENT_TYPES as readonly string[]).includes(type);

/**
 * The event's frame for a set of streams, encoded once and shared by every connection that gets that set
 * (most get `public` alone): fan-out then costs one send per connection, not one serialisation and UTF-8
 * encoding each. The cache lives on the event for one dispatch (the hub clears it after).
 */
export function eventFrame(event: RoutedEvent, streams: StreamName | readonly StreamName[]): Buffer {
  const key = typeof streams === 'string' ? streams : streams.length === 1 ? streams[0]! : streams.join(' ');
  event.frames ??= new Map();
  let frame = event.frames.get(key);
  if (!frame) {
    if (!isLiveEventType(event.type)) throw new Error(`${event.type} is not sent to clients`);
    const head: Omit<EventFrame, 'data'> = {
      type: 'event',
      id: event.id.toString(),
      event: event.type,
      streams: typeof streams === 'string' ? [streams] : [...streams],
    };
    // The data is already JSON (serialised once per event): spliced in, not parsed and encoded again.
    frame = Buffer.from(`${JSON.stringify(head).slice(0, -1)},"data":${event.json}}`);
    event.frames.set(key, frame);
  }
  return frame;
}
