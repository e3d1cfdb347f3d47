// The one record of who is subscribed to what: each subscription (a connection on a stream, with its
// position) is held here alone. The hub looks subscriptions up by stream to route an event; a connection
// asks for its own (to deliver, to count them, to leave every stream when it closes).
import type { StreamName } from '@flock/shared';
import type { RoutedEvent } from './streams.ts';

export interface Subscription<Connection> {
  readonly connection: Connection;
  readonly stream: StreamName;
  /** The last event id delivered (or skipped as already seen) for this stream. */
  position: bigint;
  /** Live events that arrived while the replay was running; sent after it. */
  held: RoutedEvent[] | null;
}

export class SubscriptionIndex<Connection> {
  readonly #byStream = new Map<StreamName, Map<Connection, Subscription<Connection>>>();
  // The same records, looked up the other way: a connection's own, without a scan of every stream.
  readonly #byConnection = new Map<Connection, Map<StreamName, Subscription<Connection>>>();
  #size = 0;
  readonly #ended: (subscription: Subscription<Connection>) => void;

  /** `ended` hears of each subscription that ends (unsubscribed, or replaced by a new one to its stream). */
  constructor(ended: (subscription: Subscription<Connection>) => void = () => {}) {
    this.#ended = ended;
  }

  /** Subscribes (again, from `position`, if it already was); live events are held until its replay ends. */
  subscribe(connection: Connection, stream: StreamName, position: bigint): Subscription<Connection> {
    const subscription: Subscription<Connection> = { connection, stream, position, held: [] };
    const byStream = getOrCreate(this.#byStream, stream);
    const own = getOrCreate(this.#byConnection, connection);
    const replaced = own.get(stream);
    if (replaced) this.#ended(replaced);
    else this.#size++;
    byStream.set(connection, subscription);
    own.set(stream, subscription);
    return subscription;
  }

  unsubscribe(connection: Connection, stream: StreamName): boolean {
    const own = this.#byConnection.get(connection);
    const subscription = own?.get(stream);
    if (!own || !subscription) return false;
    own.delete(stream);
    this.#ended(subscription);
    if (own.size === 0) this.#byConnection.delete(connection);
    const byStream = this.#byStream.get(stream)!;
    byStream.delete(connection);
    if (byStream.size === 0) this.#byStream.delete(stream);
    this.#size--;
    return true;
  }

  unsubscribeAll(connection: Connection): void {
    for (const stream of [...(this.#byConnection.get(connection)?.keys() ?? [])])
      this.unsubscribe(connection, stream);
  }

  get(connection: Connection, stream: StreamName): Subscription<Connection> | undefined {
    return this.#byConnection.get(connection)?.get(stream);
  }

  countOf(connection: Connection): number {
    return this.#byConnection.get(connection)?.size ?? 0;
  }

  /** The subscriptions to `stream`, by connection. */
  onStream(stream: StreamName): ReadonlyMap<Connection, Subscription<Connection>> | undefined {
    return this.#byStream.get(stream);
  }

  /** Every subscription of every connection. */
  get size(): number {
    return this.#size;
  }
}

function getOrCreate<K, K2, V2>(map: Map<K, Map<K2, V2>>, key: K): Map<K2, V2> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}
