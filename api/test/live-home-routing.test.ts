// The `home` stream's routing on its own, without sockets or a database: follow sets moved by follow and
// account events in id order, the author → subscription index the hub routes by, and catching up.

import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { LiveConnection } from '../src/live/connection.ts';
import { FollowSet } from '../src/live/follow-set.ts';
import { HomeRoutes } from '../src/live/home-routes.ts';
import { LiveHub } from '../src/live/hub.ts';
import type { RoutedEvent } from '../src/live/streams.ts';
import { SubscriptionIndex } from '../src/live/subscriptions.ts';

const alice = { id: 1, username: 'alice' };
const bob = { id: 2, username: 'bob' };
const carol = { id: 3, username: 'carol' };

let nextId = 0n;
const event = (fields: Partial<RoutedEvent> & Pick<RoutedEvent, 'type'>): RoutedEvent => ({
  id: ++nextId,
  json: '{}',
  author: '',
  tags: [],
  committedAt: 0,
  ...fields,
});
const posted = (author: { username: string }, content = '') =>
  event({ type: 'message.created', author: author.username, json: JSON.stringify({ content }) });
const followed = (follower: { id: number; username: string }, followee: { id: number; username: string }) =>
  event({
    type: 'follow.created',
    author: follower.username,
    follow: { followerId: follower.id, followeeId: followee.id, followee: followee.username },
  });
const unfollowed = (follower: { id: number; username: string }, followee: { id: number; username: string }) =>
  event({
    type: 'follow.removed',
    author: follower.username,
    follow: { followerId: follower.id, followeeId: followee.id, followee: followee.username },
  });
const deleted = (account: { id: number; username: string }) =>
  event({ type: 'account.deleted', author: account.username, accountId: account.id });

/** A hub's worth of routing: connections are names, and `home` is each one's own subscription. */
function setUp() {
  const routes = new HomeRoutes<string>();
  const index = new SubscriptionIndex<string>((subscription) => routes.remove(subscription));
  const live = (connection: string, set: FollowSet) => {
    const subscription = index.subscribe(connection, 'home', 0n);
    routes.catchUp(subscription);
    routes.goLive(subscription, set);
    return subscription;
  };
  const routedTo = (author: string) => [...(routes.subscribersOf(author)?.keys() ?? [])].sort();
  return { routes, index, live, routedTo };
}

describe('a follow set', () => {
  it('admits its owner and whom it follows, from the follow on and until the unfollow', () => {
    const set = new FollowSet(alice);
    expect([posted(alice), posted(bob)].map((e) => set.passes(e))).toEqual([true, false]);
    expect(set.passes(followed(alice, bob))).toBe(false);
    expect(set.passes(posted(bob))).toBe(true);
    expect(set.passes(unfollowed(alice, bob))).toBe(false);
    expect(set.passes(posted(bob))).toBe(false);
  });

  it("ignores others' follows, and the same follow or unfollow twice", () => {
    const set = new FollowSet(alice, [bob]);
    set.apply(followed(bob, carol));
    expect(set.includes('carol')).toBe(false);
    expect(set.apply(followed(alice, bob))).toBeUndefined();
    expect(set.apply(unfollowed(alice, bob))).toEqual({ removed: 'bob' });
    expect(set.apply(unfollowed(alice, bob))).toBeUndefined();
  });

  it('forgets a deleted account, so a new account of the same name is not followed', () => {
    const set = new FollowSet(alice, [bob]);
    set.passes(deleted(bob));
    expect(set.includes('bob')).toBe(false);
    const newBob = { id: 9, username: 'bob' };
    expect(set.passes(posted(newBob))).toBe(false);
  });

  it("admits nothing once its owner's account is deleted", () => {
    const set = new FollowSet(alice, [bob]);
    set.passes(deleted(alice));
    expect(set.authors).toEqual([]);
    expect([posted(alice), posted(bob)].map((e) => set.passes(e))).toEqual([false, false]);
  });
});

describe('the home routes', () => {
  it('route an author to its own home and to its followers, and to nobody else', () => {
    const { live, routedTo } = setUp();
    live('a', new FollowSet(alice, [bob]));
    live('b', new FollowSet(bob));
    live('c', new FollowSet(carol));
    expect(routedTo('alice')).toEqual(['a']);
    expect(routedTo('bob')).toEqual(['a', 'b']);
    expect(routedTo('carol')).toEqual(['c']);
  });

  it('move with follow events, on every live home of the follower', () => {
    const { routes, live, routedTo } = setUp();
    live('a1', new FollowSet(alice));
    live('a2', new FollowSet(alice));
    routes.apply(followed(alice, carol));
    expect(routedTo('carol')).toEqual(['a1', 'a2']);
    routes.apply(followed(bob, carol));
    expect(routedTo('carol')).toEqual(['a1', 'a2']);
    routes.apply(unfollowed(alice, carol));
    expect(routedTo('carol')).toEqual([]);
  });

  it("drop a deleted account from every follower's home, and its own home altogether", () => {
    const { routes, live, routedTo } = setUp();
    live('a', new FollowSet(alice, [bob]));
    live('b', new FollowSet(bob, [alice]));
    routes.apply(deleted(bob));
    expect(routedTo('bob')).toEqual([]);
    expect(routedTo('alice')).toEqual(['a']);
    // A new account named bob, followed afresh, is routed from its own follow on.
    const newBob = { id: 9, username: 'bob' };
    routes.apply(followed(alice, newBob));
    expect(routedTo('bob')).toEqual(['a']);
  });

  it('forget a home that ends: unsubscribed, replaced, or removed while catching up', () => {
    const { routes, index, live, routedTo } = setUp();
    live('a', new FollowSet(alice, [bob]));
    index.unsubscribe('a', 'home');
    expect(routedTo('bob')).toEqual([]);
    expect(routedTo('alice')).toEqual([]);

    live('a', new FollowSet(alice, [bob]));
    // Subscribing again replaces it: the old one stops routing, the new one catches up first.
    const again = index.subscribe('a', 'home', 5n);
    routes.catchUp(again);
    expect(routedTo('bob')).toEqual([]);
    expect(routes.catchingUp.has(again)).toBe(true);
    // Its connection closed before the replay was done: it never goes live.
    index.unsubscribeAll('a');
    routes.goLive(again, new FollowSet(alice, [bob]));
    expect(routedTo('bob')).toEqual([]);
    expect(routes.catchingUp.size).toBe(0);
    // Follow events for an account with no live home change nothing.
    routes.apply(followed(alice, carol));
    expect(routedTo('carol')).toEqual([]);
  });
});

/** A connection of the hub on a socket that records what it is sent. */
function connectionOf(hub: LiveHub, user: { id: number; username: string }) {
  const sent: string[] = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send: (frame: Buffer | string) => sent.push(JSON.parse(frame.toString()).data.content),
    close: () => {},
  } as unknown as WebSocket;
  const connection = new LiveConnection(socket, user, {
    subscriptions: hub.subscriptions,
    maxBufferedBytes: 1 << 20,
    observer: { delivered: () => {}, tooSlow: () => {} },
  });
  hub.add(connection);
  return { connection, sent };
}

describe('a home catching up in the hub', () => {
  it('applies the follows dispatched while it read its follow set and replayed, in id order, then routes live', () => {
    const hub = new LiveHub();
    const { connection, sent } = connectionOf(hub, alice);
    // The subscribe: registered and holding before its follow set is read.
    const subscription = hub.subscriptions.subscribe(connection, 'home', nextId);
    hub.home.catchUp(subscription);
    // Committed while the read was on its way: a follow, then bob's message, then carol's (not followed).
    hub.dispatch([posted(bob, 'before the follow'), followed(alice, bob), posted(bob, 'after the follow')]);
    hub.dispatch([
      posted(carol, 'never followed'),
      unfollowed(alice, bob),
      posted(bob, 'after the unfollow'),
    ]);
    hub.dispatch([followed(alice, carol)]);
    // The read found none of those follows (each is applied from the held events, at its own id).
    const set = new FollowSet(alice);
    connection.finishReplay('home', (e) => set.passes(e));
    hub.home.goLive(subscription, set);
    expect(sent).toEqual(['after the follow']);

    hub.dispatch([posted(carol, 'live, followed'), posted(bob, 'live, unfollowed'), posted(alice, 'own')]);
    expect(sent).toEqual(['after the follow', 'live, followed', 'own']);
  });

  it('counts a follow the read already saw once, and one committed after the read at its event id', () => {
    const hub = new LiveHub();
    const { connection, sent } = connectionOf(hub, alice);
    const subscription = hub.subscriptions.subscribe(connection, 'home', nextId);
    hub.home.catchUp(subscription);
    const follow = followed(alice, bob);
    hub.dispatch([follow, posted(bob, 'followed')]);
    // The read ran after the follow committed: it has bob already, and the held follow changes nothing.
    const set = new FollowSet(alice, [bob]);
    connection.finishReplay('home', (e) => set.passes(e));
    hub.home.goLive(subscription, set);
    hub.dispatch([unfollowed(alice, bob), posted(bob, 'unfollowed')]);
    expect(sent).toEqual(['followed']);
  });
});
