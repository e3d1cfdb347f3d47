// The `home` stream's routing: which live `home` subscriptions an author's events go to. Each one has its
// own follow set (follow-set.ts); this index turns them around, author username → subscriptions, so an
// event costs a lookup and its own subscribers, never a scan of every `home`. The hub gives it every
// internal event in id order, as it dispatches them, so each set is the follow set as of the event being
// routed.
//
// A subscription still catching up (its follow set read, its replay running) is not in the index: it is
// given every event, held, and decides on its own set once it has replayed (session.ts); `goLive` then
// enters it here with the set as of the last event dispatched.
import type { FollowSet, FollowSetChange } from './follow-set.ts';
import type { RoutedEvent } from './streams.ts';
import type { Subscription } from './subscriptions.ts';

export class HomeRoutes<Connection> {
  readonly #byAuthor = new Map<string, Map<Connection, Subscription<Connection>>>();
  readonly #sets = new Map<Subscription<Connection>, FollowSet>();
  /** The live subscriptions by the id of their account, for its follow events. */
  readonly #byOwner = new Map<number, Set<Subscription<Connection>>>();
  readonly #catchingUp = new Set<Subscription<Connection>>();

  /** `home` subscriptions still replaying: they hold every event dispatched meanwhile. */
  get catchingUp(): ReadonlySet<Subscription<Connection>> {
    return this.#catchingUp;
  }

  catchUp(subscription: Subscription<Connection>): void {
    this.#catchingUp.add(subscription);
  }

  /** Ends the catch-up: routed by its set from the next event on (unless it was removed meanwhile). */
  goLive(subscription: Subscription<Connection>, set: FollowSet): void {
    if (!this.#catchingUp.delete(subscription)) return;
    this.#sets.set(subscription, set);
    let own = this.#byOwner.get(set.owner.id);
    if (!own) {
      own = new Set();
      this.#byOwner.set(set.owner.id, own);
    }
    own.add(subscription);
    for (const author of set.authors) this.#route(author, subscription);
  }

  /** The subscription ended (unsubscribed, replaced, or its connection closed). */
  remove(subscription: Subscription<Connection>): void {
    this.#catchingUp.delete(subscription);
    const set = this.#sets.get(subscription);
    if (!set) return;
    this.#sets.delete(subscription);
    for (const author of set.authors) this.#unroute(author, subscription);
    const own = this.#byOwner.get(set.owner.id);
    own?.delete(subscription);
    if (own?.size === 0) this.#byOwner.delete(set.owner.id);
  }

  /** The live `home` subscriptions that admit this author's events now, by connection. */
  subscribersOf(author: string): ReadonlyMap<Connection, Subscription<Connection>> | undefined {
    return this.#byAuthor.get(author);
  }

  /** A follow event moves its follower's sets; an account's deletion drops it from every set admitting it. */
  apply(event: RoutedEvent): void {
    if (event.type === 'account.deleted') {
      const owned = this.#byOwner.get(event.accountId ?? -1);
      // The account's own `home` admits nothing more: a new account of the same name is someone else.
      for (const subscription of [...(owned ?? [])]) this.remove(subscription);
      for (const subscription of [...(this.#byAuthor.get(event.author)?.values() ?? [])])
        this.#change(subscription, event);
      return;
    }
    if (!event.follow) return;
    for (const subscription of this.#byOwner.get(event.follow.followerId) ?? [])
      this.#change(subscription, event);
  }

  #change(subscription: Subscription<Connection>, event: RoutedEvent): void {
    const change: FollowSetChange | undefined = this.#sets.get(subscription)?.apply(event);
    if (!change) return;
    if ('added' in change) this.#route(change.added, subscription);
    else this.#unroute(change.removed, subscription);
  }

  #route(author: string, subscription: Subscription<Connection>): void {
    let subscribers = this.#byAuthor.get(author);
    if (!subscribers) {
      subscribers = new Map();
      this.#byAuthor.set(author, subscribers);
    }
    subscribers.set(subscription.connection, subscription);
  }

  #unroute(author: string, subscription: Subscription<Connection>): void {
    const subscribers = this.#byAuthor.get(author);
    if (subscribers?.get(subscription.connection) !== subscription) return;
    subscribers.delete(subscription.connection);
    if (subscribers.size === 0) this.#byAuthor.delete(author);
  }
}
