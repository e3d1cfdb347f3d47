// A feed's state without a DOM or a server: pages, live events, the banner's pending messages, the
// early buffer and likes shown before the API answers, each with the messages it must end up showing.
import type { Message, MessagePage } from '@flock/shared/api';
import type { EventFrame } from '@flock/shared/live';
import { beforeEach, describe, expect, test } from 'vitest';
import { FeedState, matches, merge, streamOf } from '../../src/controllers/feed-state.ts';

const message = (id: string, change: Partial<Message> = {}): Message => ({
  id,
  author: { username: 'ada', displayName: null, bot: false },
  content: `message ${id}`,
  tags: [],
  inReplyTo: null,
  replyCount: 0,
  likeCount: 0,
  likedByMe: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...change,
});
const page = (ids: string[], next: string | null = null): MessagePage => ({
  items: ids.map((id) => message(id)),
  next,
  newer: null,
});
const created = (id: string, change: Partial<Message> = {}): EventFrame => ({
  type: 'event',
  id: `e${id}`,
  event: 'message.created',
  streams: ['public'],
  data: message(id, change),
});
const deleted = (id: string, inReplyTo: string | null = null): EventFrame => ({
  type: 'event',
  id: `d${id}`,
  event: 'message.deleted',
  streams: ['public'],
  data: { id, author: { username: 'ada', bot: false }, tags: [], inReplyTo },
});
const liked = (id: string, likeCount: number): EventFrame => ({
  type: 'event',
  id: `l${id}-${likeCount}`,
  event: 'message.liked',
  streams: ['public'],
  data: { id, author: { username: 'ada', bot: false }, tags: [], inReplyTo: null, likeCount },
});
const ids = (list: readonly Message[]) => list.map((m) => m.id);

let atTop: boolean;
let feed: FeedState;

beforeEach(() => {
  atTop = true;
  feed = new FeedState({ readerAtTop: () => atTop });
  feed.reset({});
});

describe('merge', () => {
  test('each id once, newest first by numeric id, the copy already held kept', () => {
    const held = message('10', { likeCount: 3 });
    const merged = merge([held, message('2')], [message('9'), message('10'), message('11')]);
    expect(ids(merged)).toEqual(['11', '10', '9', '2']);
    expect(merged[1]).toBe(held);
  });
});

describe('matches', () => {
  test('a tag feed takes its tag, an author feed its author, the home feed everything', () => {
    const tagged = message('1', {
      tags: ['lit'],
      author: { username: 'grace', displayName: null, bot: false },
    });
    expect(matches({}, tagged)).toBe(true);
    expect(matches({ tag: 'lit' }, tagged)).toBe(true);
    expect(matches({ tag: 'rust' }, tagged)).toBe(false);
    expect(matches({ author: 'grace' }, tagged)).toBe(true);
    expect(matches({ author: 'ada' }, tagged)).toBe(false);
    // Home: the reader's own posts (the only ones matched here) always belong.
    expect(matches({ home: true }, tagged)).toBe(true);
  });
});

describe('reply counts', () => {
  test('a reply arriving or going moves its shown parent’s count, never below zero', () => {
    feed.firstPage(page(['5', '4']));
    feed.apply(created('6', { inReplyTo: '4' }));
    expect(feed.find('4')?.replyCount).toBe(1);
    feed.apply(deleted('6', '4'));
    feed.apply(deleted('7', '4'));
    expect(feed.find('4')?.replyCount).toBe(0);
    expect(ids(feed.messages)).toEqual(['5', '4']);
  });
});

describe('streamOf', () => {
  test('a tag feed follows its tag, an author feed its author, the public feed the public stream, home home', () => {
    expect(streamOf({ home: true })).toBe('home');
    expect(streamOf({ tag: 'lit' })).toBe('tag:lit');
    expect(streamOf({ author: 'ada' })).toBe('user:ada');
    expect(streamOf({})).toBe('public');
  });
});

describe('pages', () => {
  test('the first page is shown and marks the feed loaded; older pages follow it, once each', () => {
    expect(feed.loaded).toBe(false);
    feed.firstPage(page(['30', '29', '28'], '28'));
    expect(feed.loaded).toBe(true);
    expect(feed.next).toBe('28');
    feed.olderPage(page(['28', '27', '26'], null));
    expect(ids(feed.messages)).toEqual(['30', '29', '28', '27', '26']);
    expect(feed.next).toBeNull();
  });

  test('reset forgets everything, the early buffer included', () => {
    feed.firstPage(page(['5']));
    atTop = false;
    feed.apply(created('6'));
    feed.reset({ tag: 'lit' });
    feed.apply(created('7', { tags: ['lit'] }));
    feed.reset({ tag: 'rust' });
    feed.firstPage(page(['3']));
    expect(ids(feed.messages)).toEqual(['3']);
    expect(feed.pending).toEqual([]);
    expect(feed.filter).toEqual({ tag: 'rust' });
  });
});

describe('the early buffer', () => {
  test('events that arrive before the first page are applied after it, in order', () => {
    feed.apply(created('12'));
    feed.apply(deleted('10'));
    feed.apply(liked('11', 4));
    feed.apply(created('11')); // also on the page: shown once
    expect(feed.messages).toEqual([]);
    feed.firstPage(page(['11', '10', '9']));
    expect(ids(feed.messages)).toEqual(['12', '11', '9']);
    expect(feed.find('11')?.likeCount).toBe(4);
  });
});

describe('live events', () => {
  beforeEach(() => feed.firstPage(page(['20', '19', '18'], '18')));

  test('a new message at the top of the list when the reader sees the top', () => {
    feed.apply(created('21'));
    expect(ids(feed.messages)).toEqual(['21', '20', '19', '18']);
    expect(feed.pending).toEqual([]);
  });

  test('one already shown, or older than the loaded end (its page brings it), is not added again', () => {
    feed.apply(created('20', { content: 'a second copy' }));
    feed.apply(created('5'));
    expect(ids(feed.messages)).toEqual(['20', '19', '18']);
    expect(feed.find('20')?.content).toBe('message 20');
  });

  test('deleted leaves the list and the pending ones', () => {
    atTop = false;
    feed.apply(created('21'));
    feed.apply(deleted('21'));
    feed.apply(deleted('19'));
    expect(ids(feed.messages)).toEqual(['20', '18']);
    expect(feed.pending).toEqual([]);
  });

  test('liked sets the count the server gives', () => {
    feed.apply(liked('19', 7));
    expect(feed.find('19')?.likeCount).toBe(7);
    expect(feed.find('19')?.likedByMe).toBe(false);
  });

  test('a busy feed keeps its newest 300 and reads the rest again from the cursor', () => {
    const small = new FeedState({ readerAtTop: () => true, maxKept: 3 });
    small.reset({});
    small.firstPage(page(['3', '2', '1']));
    small.apply(created('4'));
    expect(ids(small.messages)).toEqual(['4', '3', '2']);
    expect(small.next).toBe('2');
  });
});

describe('pending behind the banner', () => {
  beforeEach(() => feed.firstPage(page(['20', '19'])));

  test('a reader scrolled down keeps the list; new ones wait, newest first, until asked for', () => {
    atTop = false;
    feed.apply(created('21'));
    feed.apply(created('22'));
    expect(ids(feed.messages)).toEqual(['20', '19']);
    expect(ids(feed.pending)).toEqual(['22', '21']);
    // Back at the top, a newcomer joins the others rather than jumping the queue.
    atTop = true;
    feed.apply(created('23'));
    expect(ids(feed.pending)).toEqual(['23', '22', '21']);
    feed.showPending();
    expect(ids(feed.messages)).toEqual(['23', '22', '21', '20', '19']);
    expect(feed.pending).toEqual([]);
  });

  test('a pending message gets live likes too, and is not held twice', () => {
    atTop = false;
    feed.apply(created('21'));
    feed.apply(created('21'));
    feed.apply(liked('21', 2));
    expect(feed.pending).toEqual([message('21', { likeCount: 2 })]);
  });
});

describe('the reader posts', () => {
  test('shown at once even when scrolled down, only in feeds it belongs to, once', () => {
    feed.firstPage(page(['20']));
    atTop = false;
    const mine = message('21', { tags: ['lit'] });
    feed.posted(mine);
    feed.apply(created('21', { tags: ['lit'] })); // its live event comes after
    expect(ids(feed.messages)).toEqual(['21', '20']);
    expect(feed.pending).toEqual([]);

    const rust = new FeedState({ readerAtTop: () => true });
    rust.reset({ tag: 'rust' });
    rust.firstPage(page([]));
    rust.posted(mine);
    expect(rust.messages).toEqual([]);
  });
});

describe('likes before the answer', () => {
  beforeEach(() => feed.firstPage({ items: [message('5', { likeCount: 2 })], next: null, newer: null }));

  test('shown at once, then the count the API answers stands', () => {
    const ticket = feed.like('5', true)!;
    expect(feed.find('5')).toMatchObject({ likedByMe: true, likeCount: 3 });
    feed.likeSettled(ticket, { likedByMe: true, likeCount: 9 });
    expect(feed.find('5')).toMatchObject({ likedByMe: true, likeCount: 9 });
  });

  test('a failed request rolls back to what it replaced', () => {
    const ticket = feed.like('5', true)!;
    expect(feed.likeFailed(ticket)).toBe(true);
    expect(feed.find('5')).toMatchObject({ likedByMe: false, likeCount: 2 });
  });

  test('live counts wait while the reader’s own request is out, and apply again after', () => {
    const ticket = feed.like('5', true)!;
    feed.apply(liked('5', 40));
    expect(feed.find('5')?.likeCount).toBe(3);
    feed.likeSettled(ticket, { likedByMe: true, likeCount: 3 });
    feed.apply(liked('5', 4));
    expect(feed.find('5')?.likeCount).toBe(4);
  });

  test('like then unlike: only the latest answer settles, an earlier failure changes nothing', () => {
    const like = feed.like('5', true)!;
    const unlike = feed.like('5', false)!;
    expect(feed.find('5')).toMatchObject({ likedByMe: false, likeCount: 2 });
    expect(feed.likeFailed(like)).toBe(false);
    feed.likeSettled(like, { likedByMe: true, likeCount: 3 });
    expect(feed.find('5')).toMatchObject({ likedByMe: false, likeCount: 2 });
    feed.likeSettled(unlike, { likedByMe: false, likeCount: 1 });
    expect(feed.find('5')).toMatchObject({ likedByMe: false, likeCount: 1 });
  });

  test('nothing to do for a message not shown, or already in the asked state', () => {
    expect(feed.like('404', true)).toBeUndefined();
    expect(feed.like('5', false)).toBeUndefined();
    expect(feed.find('5')).toMatchObject({ likedByMe: false, likeCount: 2 });
  });

  test('an unlike never counts below zero', () => {
    const zero = new FeedState({ readerAtTop: () => true });
    zero.reset({});
    zero.firstPage({ items: [message('1', { likedByMe: true, likeCount: 0 })], next: null, newer: null });
    zero.like('1', false);
    expect(zero.find('1')).toMatchObject({ likedByMe: false, likeCount: 0 });
  });
});

describe('refresh after missed events', () => {
  test('known messages take the page’s values and new ones arrive', () => {
    feed.firstPage(page(['20', '19']));
    const fresh: MessagePage = {
      items: [message('22'), message('21'), message('20', { likeCount: 5 })],
      next: '20',
      newer: null,
    };
    expect(feed.refreshed(fresh)).toBe(true);
    expect(ids(feed.messages)).toEqual(['22', '21', '20', '19']);
    expect(feed.find('20')?.likeCount).toBe(5);
  });

  test('more new than one page holds: the feed must start over', () => {
    feed.firstPage(page(['20', '19']));
    expect(feed.refreshed(page(['40', '39'], '39'))).toBe(false);
    expect(ids(feed.messages)).toEqual(['20', '19']);
  });
});
