// One client connection: what it sends to its subscriptions (kept in the hub's subscription index, each
// with its own position in the event sequence), through a bounded send buffer. An event reaches a subscription at most once and in id order; a subscription
// that is catching up from `since` holds live events back until its replay is done.
import { LiveCloseCode, type ServerFrame, type StreamName } from '@flock/shared';
import type { WebSocket } from 'ws';
import { encodeFrame, eventFrame } from './frames.ts';
import type { RoutedEvent } from './streams.ts';
import type { Subscription, SubscriptionIndex } from './subscriptions.ts';

export type LiveSubscription = Subscription<LiveConnection>;

export interface DeliveryObserver {
  delivered(event: RoutedEvent): void;
  tooSlow(): void;
}

export class LiveConnection {
  readonly socket: WebSocket;
  readonly userId: number;
  readonly username: string;
  readonly #subscriptions: SubscriptionIndex<LiveConnection>;
  readonly #maxBufferedBytes: number;
  readonly #observer: DeliveryObserver;
  #closed = false;

  constructor(
    socket: WebSocket,
    user: { id: number; username: string },
    options: {
      subscriptions: SubscriptionIndex<LiveConnection>;
      maxBufferedBytes: number;
      observer: DeliveryObserver;
    },
  ) {
    this.socket = socket;
    this.userId = user.id;
    this.username = user.username;
    this.#subscriptions = options.subscriptions;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#observer = options.observer;
  }

  get subscriptionCount(): number {
    return this.#subscriptions.countOf(this);
  }

  has(stream: StreamName): boolean {
    return this.#subscriptions.get(this, stream) !== undefined;
  }

  /** Sends replayed events (oldest first) for a subscription that is catching up. */
  replay(stream: StreamName, events: RoutedEvent[]): void {
    const subscription = this.#subscriptions.get(this, stream);
    if (!subscription) return;
    for (const event of events) this.#sendTo([subscription], event);
  }

  /**
   * Ends the catch-up: sends what was held back (what `passes`, given each held event in id order, when the
   * subscription holds every event and picks its own: `home`), then the subscription is live.
   */
  finishReplay(stream: StreamName, passes?: (event: RoutedEvent) => boolean): void {
    const subscription = this.#subscriptions.get(this, stream);
    if (!subscription?.held) return;
    const held = subscription.held;
    subscription.held = null;
    for (const event of held) if (!passes || passes(event)) this.#sendTo([subscription], event);
  }

  /** The common case, without allocations: a live event that matches one of this connection's streams. */
  deliverOne(event: RoutedEvent, subscription: LiveSubscription): void {
    if (subscription.held) {
      subscription.held.push(event);
      return;
    }
    if (event.id <= subscription.position) return;
    subscription.position = event.id;
    if (this.#sendRaw(eventFrame(event, subscription.stream))) this.#observer.delivered(event);
  }

  /** A live event whose streams include several of this connection's subscriptions. */
  deliver(event: RoutedEvent, matching: LiveSubscription[]): void {
    const live: LiveSubscription[] = [];
    for (const subscription of matching) {
      if (subscription.held) subscription.held.push(event);
      else live.push(subscription);
    }
    if (live.length > 0) this.#sendTo(live, event);
  }

  #sendTo(subscriptions: LiveSubscription[], event: RoutedEvent): void {
    const fresh = subscriptions.filter((subscription) => event.id > subscription.position);
    if (fresh.length === 0) return;
    for (const subscription of fresh) subscription.position = event.id;
    const frame = eventFrame(
      event,
      fresh.map((subscription) => subscription.stream),
    );
    if (this.#sendRaw(frame)) this.#observer.delivered(event);
  }

  send(frame: ServerFrame): void {
    this.#sendRaw(encodeFrame(frame));
  }

  #sendRaw(frame: string | Buffer): boolean {
    if (this.#closed || this.socket.readyState !== this.socket.OPEN) return false;
    // A client that does not read lets the buffer grow: cut it off rather than hold its backlog in memory.
    if (this.socket.bufferedAmount + frame.length > this.#maxBufferedBytes) {
      this.#closed = true;
      this.#observer.tooSlow();
      this.socket.close(LiveCloseCode.TooSlow, 'too slow: send buffer full');
      // close() waits for the buffer to drain, which a stalled client never does.
      setTimeout(() => this.socket.terminate(), 1_000).unref();
      return false;
    }
    // A shared, already encoded frame still goes out as text.
    this.socket.send(frame, { binary: false });
    return true;
  }
}
