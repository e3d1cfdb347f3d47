// A message's page without a DOM or a server: the thread as read, its further replies, live replies
// and deletions, the reader's own reply counted once, and "deleted message" where one went.
import type { Message, Thread } from '@flock/shared/api';
import type { EventFrame } from '@flock/shared/live';
import { beforeEach, expect, test } from 'vitest';
import { ThreadState } from '../../src/controllers/thread-state.ts';

const message = (id: string, change: Partial<Message> = {}): Message => ({
  id,
  author: { username: 'ada', displayName: 'Ada', bot: false },
  content: `message ${id}`,
  tags: [],
  inReplyTo: null,
  replyCount: 0,
  likeCount: 0,
  likedByMe: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...change,
});
const reply = (id: string, to = '10') => message(id, { inReplyTo: to });
const created = (data: Message): EventFrame => ({
  type: 'event',
  id: `c${data.id}`,
  event: 'message.created',
  streams: ['public'],
  data,
});
const deleted = (id: string, inReplyTo: string | null): EventFrame => ({
  type: 'event',
  id: `d${id}`,
  event: 'message.deleted',
  streams: ['public'],
  data: { id, author: { username: 'ada', bot: false }, tags: [], inReplyTo },
});
const ids = (list: readonly { id: string }[]) => list.map((entry) => entry.id);

let state: ThreadState;
const thread = (change: Partial<Thread> = {}): Thread => ({
  ancestors: [message('1', { replyCount: 1 }), { id: '5', deleted: true }],
  message: message('10', { inReplyTo: '5', replyCount: 2 }),
  replies: [reply('11'), reply('12')],
  next: null,
  ...change,
});

beforeEach(() => {
  state = new ThreadState();
  state.reset('10');
});

test('the thread as read: ancestors root first, the message, its replies oldest first', () => {
  state.firstPage(thread({ next: '12' }));
  state.morePage({ replies: [reply('14'), reply('13')], next: null });
  expect(ids(state.ancestors)).toEqual(['1', '5']);
  expect(state.message?.id).toBe('10');
  expect(ids(state.replies)).toEqual(['11', '12', '13', '14']);
});

test('a live reply joins the end and counts; the reader’s own reply and its event count once', () => {
  state.firstPage(thread());
  const mine = reply('20');
  state.posted(mine);
  state.apply(created(mine));
  state.apply(created(reply('21')));
  state.apply(created(message('22'))); // not a reply to this message
  expect(ids(state.replies)).toEqual(['11', '12', '20', '21']);
  expect(state.find('10')?.replyCount).toBe(4);
});

test('while replies are left to load, a new one waits for the last page but counts at once', () => {
  state.firstPage(thread({ next: '12' }));
  state.apply(created(reply('30')));
  expect(ids(state.replies)).toEqual(['11', '12']);
  expect(state.find('10')?.replyCount).toBe(3);
});

test('events before the first page apply after it', () => {
  state.apply(created(reply('13')));
  expect(state.replies).toEqual([]);
  state.firstPage(thread());
  expect(ids(state.replies)).toEqual(['11', '12', '13']);
});

test('a deleted reply goes (its count with it, once); a deleted message or ancestor leaves its place', () => {
  state.firstPage(thread());
  state.removed('11');
  state.apply(deleted('11', '10'));
  expect(ids(state.replies)).toEqual(['12']);
  expect(state.find('10')?.replyCount).toBe(1);

  state.apply(deleted('1', null));
  expect(state.ancestors[0]).toEqual({ id: '1', deleted: true });
  state.apply(deleted('10', '5'));
  expect(state.message).toEqual({ id: '10', deleted: true });
  expect(ids(state.replies)).toEqual(['12']);
});

test('likes and replies to replies change only the message they are about', () => {
  state.firstPage(thread());
  state.apply({
    type: 'event',
    id: 'l12',
    event: 'message.liked',
    streams: ['public'],
    data: { id: '12', author: { username: 'ada', bot: false }, tags: [], inReplyTo: '10', likeCount: 3 },
  });
  state.apply(created(reply('40', '12')));
  expect(state.find('12')).toMatchObject({ likeCount: 3, replyCount: 1 });
  expect(state.find('11')).toMatchObject({ likeCount: 0, replyCount: 0 });
  expect(ids(state.replies)).toEqual(['11', '12']);
});
