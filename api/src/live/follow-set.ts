// Whom one `home` subscription's account follows, as of the last event it has passed: the authors its
// `home` admits. It starts as the follow set at the subscription's position (read from the follows
// history, follow-history.ts) and moves only with the follow events it is given, in id order, so a
// message event is admitted by the follows as of that event's id, whether it is replayed or live.
import { isInternal, type RoutedEvent } from './streams.ts';

export interface FollowSetOwner {
  id: number;
  username: string;
}

/** What a follow event changed: the author name admitted from now on, or no longer. */
export type FollowSetChange = { added: string } | { removed: string };

export class FollowSet {
  readonly owner: FollowSetOwner;
  /** Followee id → username, and back: at most one existing account holds a username. */
  readonly #byId = new Map<number, string>();
  readonly #byUsername = new Map<string, number>();
  /** The owner's account was deleted: nothing is admitted any more (its connections are closing). */
  #ownerGone = false;

  constructor(owner: FollowSetOwner, followees: Iterable<{ id: number; username: string }> = []) {
    this.owner = owner;
    for (const followee of followees) this.#add(followee.id, followee.username);
  }

  /** The author names admitted now: the owner's own, and every followee's. */
  get authors(): string[] {
    return this.#ownerGone ? [] : [this.owner.username, ...this.#byUsername.keys()];
  }

  includes(author: string): boolean {
    return !this.#ownerGone && (author === this.owner.username || this.#byUsername.has(author));
  }

  /**
   * Applies an internal event: a follow or unfollow by the owner, or an account's deletion (its follows
   * went with it, without follow events). Applying the same event twice changes nothing the second time.
   */
  apply(event: RoutedEvent): FollowSetChange | undefined {
    if (event.type === 'account.deleted') {
      if (event.accountId === this.owner.id) {
        this.#ownerGone = true;
        return undefined;
      }
      return event.accountId === undefined ? undefined : this.#remove(event.accountId);
    }
    const follow = event.follow;
    if (!follow || follow.followerId !== this.owner.id) return undefined;
    if (event.type === 'follow.created') return this.#add(follow.followeeId, follow.followee);
    if (event.type === 'follow.removed') return this.#remove(follow.followeeId);
    return undefined;
  }

  /**
   * For a subscription catching up, given every event in id order: applies the internal ones and says
   * whether the event is one to send, a message event whose author the owner follows (or is) by now.
   */
  passes(event: RoutedEvent): boolean {
    if (isInternal(event)) {
      this.apply(event);
      return false;
    }
    return this.includes(event.author);
  }

  #add(id: number, username: string): FollowSetChange | undefined {
    if (this.#byId.get(id) === username) return undefined;
    this.#remove(id);
    this.#byId.set(id, username);
    this.#byUsername.set(username, id);
    return { added: username };
  }

  #remove(id: number): FollowSetChange | undefined {
    const username = this.#byId.get(id);
    if (username === undefined) return undefined;
    this.#byId.delete(id);
    if (this.#byUsername.get(username) === id) this.#byUsername.delete(username);
    return { removed: username };
  }
}
