// One client connection: its subscriptions, each with its own position in the event sequence, and a
// bounded send buffer. An event reaches a subscription at most once and in id order; a subscription
// that is catching up from `since` holds live events back until its replay is done.
import type { ServerFrame, StreamName } from '@flock/shared';
import type { WebSocket } from 'ws';
import type { RoutedEvent } from './streams.ts';

interface Subscription {
  /** The last event id delivered (or skipped as already seen) for this stream. */
  position: bigint;
  /** Live events that arrived while the replay was running; sent after it. */
  held: RoutedEvent[] | null;
}

export interface DeliveryObserver {
  delivered(event: RoutedEvent): void;
  tooSlow(): void;
}

export class LiveConnection {
  readonly socket: WebSocket;
  readonly userId: number;
  readonly username: string;
  readonly #subscriptions = new Map<StreamName, Subscription>();
  readonly #maxBufferedBytes: number;
  readonly #observer: DeliveryObserver;
  #closed = false;

  constructor(
    socket: WebSocket,
    user: { id: number; username: string },
    maxBufferedBytes: number,
    observer: DeliveryObserver,
  ) {
    this.socket = socket;
    this.userId = user.id;
    this.username = user.username;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#observer = observer;
  }

  get streams(): StreamName[] {
    return [...this.#subscriptions.keys()];
  }

  has(stream: StreamName): boolean {
    return this.#subscriptions.has(stream);
  }

  /** Starts a subscription at `position`; live events are held until `finishReplay`. */
  beginSubscription(stream: StreamName, position: bigint): void {
    this.#subscriptions.set(stream, { position, held: [] });
  }

  /** Sends replayed events (oldest first) for a subscription that is catching up. */
  replay(stream: StreamName, events: RoutedEvent[]): void {
    const subscription = this.#subscriptions.get(stream);
    if (!subscription) return;
    for (const event of events) this.#sendTo([stream], [subscription], event);
  }

  /** Ends the catch-up: sends what was held back, then the subscription is live. */
  finishReplay(stream: StreamName): void {
    const subscription = this.#subscriptions.get(stream);
    if (!subscription?.held) return;
    const held = subscription.held;
    subscription.held = null;
    for (const event of held) this.#sendTo([stream], [subscription], event);
  }

  unsubscribe(stream: StreamName): boolean {
    return this.#subscriptions.delete(stream);
  }

  /** The common case, without allocations: a live event that matches one of this connection's streams. */
  deliverOne(event: RoutedEvent, stream: StreamName): void {
    const subscription = this.#subscriptions.get(stream);
    if (!subscription) return;
    if (subscription.held) {
      subscription.held.push(event);
      return;
    }
    if (event.id <= subscription.position) return;
    subscription.position = event.id;
    const frame = event.frames?.get(stream) ?? frameOf(event, [stream]);
    if (this.#sendRaw(frame)) this.#observer.delivered(event);
  }

  /** A live event whose streams include some of this connection's subscriptions. */
  deliver(event: RoutedEvent, matching: StreamName[]): void {
    const live: StreamName[] = [];
    const subscriptions: Subscription[] = [];
    for (const stream of matching) {
      const subscription = this.#subscriptions.get(stream);
      if (!subscription) continue;
      if (subscription.held) subscription.held.push(event);
      else {
        live.push(stream);
        subscriptions.push(subscription);
      }
    }
    if (live.length > 0) this.#sendTo(live, subscriptions, event);
  }

  #sendTo(streams: StreamName[], subscriptions: Subscription[], event: RoutedEvent): void {
    const fresh = streams.filter((_, index) => event.id > subscriptions[index]!.position);
    if (fresh.length === 0) return;
    for (const subscription of subscriptions)
      if (event.id > subscription.position) subscription.position = event.id;
    const frame = frameOf(event, fresh);
    if (this.#sendRaw(frame)) this.#observer.delivered(event);
  }

  send(frame: ServerFrame): void {
    this.#sendRaw(JSON.stringify(frame));
  }

  #sendRaw(frame: string | Buffer): boolean {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return false;
    // A client that does not read lets the buffer grow: cut it off rather than hold its backlog in memory.
    if (this.socket.bufferedAmount + frame.length > this.#maxBufferedBytes) {
      this.#closed = true;
      this.#observer.tooSlow();
      this.socket.close(4008, 'too slow: send buffer full');
      // close() waits for the buffer to drain, which a stalled client never does.
      setTimeout(() => this.socket.terminate(), 1_000).unref();
      return false;
    }
    // A shared, already encoded frame still goes out as text.
    this.socket.send(frame, { binary: false });
    return true;
  }
}

/**
 * The event's frame for a set of streams, encoded once and shared by every connection that gets that set
 * (most get `public` alone): fan-out then costs one send per connection, not a serialisation each.
 */
function frameOf(event: RoutedEvent, streams: StreamName[]): Buffer {
  const key = streams.length === 1 ? streams[0]! : streams.join(' ');
  event.frames ??= new Map();
  let frame = event.frames.get(key);
  if (!frame) {
    frame = Buffer.from(
      `{"type":"event","id":"${event.id}","event":"${event.type}","streams":${JSON.stringify(streams)},"data":${event.json}}`,
    );
    event.frames.set(key, frame);
  }
  return frame;
}
