// The live connection's logic, without a browser: a fake WebSocket plays the server's side of the
// protocol in @flock/shared/live.
import type { EventFrame, ServerFrame } from '@flock/shared/live';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { LiveHandler } from '../../src/context.ts';
import { LiveController } from '../../src/controllers/live-controller.ts';

class FakeSocket extends EventTarget {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closedWith: number | undefined;
  readonly url: string;
  readonly protocols: string[];
  constructor(url: string, protocols: string[]) {
    super();
    this.url = url;
    this.protocols = protocols;
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  // the server's side
  open(frame: ServerFrame = { type: 'welcome', username: 'ada', latestEventId: '10' }) {
    this.readyState = 1;
    this.receive(frame);
  }
  receive(frame: ServerFrame) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
  drop(code: number) {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code }));
  }
}

class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController) {
    this.controllers.push(controller);
  }
  removeController() {}
  requestUpdate() {
    this.updates += 1;
  }
}

const created = (id: string, streams: EventFrame['streams'] = ['public']): EventFrame => ({
  type: 'event',
  id,
  event: 'message.created',
  streams,
  data: {
    id: `m${id}`,
    author: { username: 'ada', displayName: null, bot: false },
    content: 'hi',
    tags: [],
    inReplyTo: null,
    replyCount: 0,
    likeCount: 0,
    likedByMe: false,
    createdAt: new Date().toISOString(),
  },
});

function recorder(): LiveHandler & { ids: string[]; resyncs: number } {
  const handler = {
    ids: [] as string[],
    resyncs: 0,
    event: (frame: EventFrame) => handler.ids.push(frame.id),
    resync: () => {
      handler.resyncs += 1;
    },
  };
  return handler;
}

let token: string | undefined;
let expired: number;
let live: LiveController;
const latest = () => FakeSocket.all.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('addEventListener', () => {});
  vi.stubGlobal('removeEventListener', () => {});
  token = 'header.payload.signature';
  expired = 0;
  live = new LiveController(new Host(), {
    token: () => token,
    onExpired: () => {
      expired += 1;
    },
    url: () => 'ws://flock.test/api/ws',
  });
});

afterEach(() => {
  live.hostDisconnected();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

test('the token travels as a subprotocol, never in the URL', () => {
  live.hostConnected();
  expect(latest().url).toBe('ws://flock.test/api/ws');
  expect(latest().protocols).toEqual(['flock.v1', 'flock.auth.header.payload.signature']);
  expect(live.status).toBe('connecting');
  latest().open();
  expect(live.status).toBe('live');
});

test('no token, no connection', () => {
  token = undefined;
  live.hostConnected();
  expect(FakeSocket.all).toHaveLength(0);
  expect(live.status).toBe('offline');
});

test('subscribes once welcomed, delivers each event once, in order', async () => {
  live.hostConnected();
  const handler = recorder();
  const subscription = live.subscribe('public', handler);
  latest().open();
  expect(latest().sent).toEqual([{ type: 'subscribe', stream: 'public' }]);
  latest().receive({ type: 'subscribed', stream: 'public', position: '10' });
  await subscription.ready;
  for (const id of ['11', '12', '12', '9', '13']) latest().receive(created(id));
  expect(handler.ids).toEqual(['11', '12', '13']);
});

test('an event on two followed streams reaches a handler once', () => {
  live.hostConnected();
  const handler = recorder();
  live.subscribe('public', handler);
  live.subscribe('tag:lit', handler);
  latest().open();
  latest().receive(created('11', ['public', 'tag:lit']));
  expect(handler.ids).toEqual(['11']);
});

test('a lost connection is retried with growing, jittered delays and resumes with since', () => {
  vi.spyOn(Math, 'random').mockReturnValue(1);
  live.hostConnected();
  const handler = recorder();
  live.subscribe('public', handler);
  latest().open();
  latest().receive({ type: 'subscribed', stream: 'public', position: '10' });
  latest().receive(created('14'));

  latest().drop(1006);
  expect(live.status).toBe('reconnecting');
  expect(FakeSocket.all).toHaveLength(1);
  vi.advanceTimersByTime(999);
  expect(FakeSocket.all).toHaveLength(1);
  vi.advanceTimersByTime(1);
  expect(FakeSocket.all).toHaveLength(2); // 500 ms × 2¹

  latest().drop(1006); // refused again: the delay doubles
  vi.advanceTimersByTime(1999);
  expect(FakeSocket.all).toHaveLength(2);
  vi.advanceTimersByTime(1);
  expect(FakeSocket.all).toHaveLength(3);

  latest().open({ type: 'welcome', username: 'ada', latestEventId: '20' });
  expect(live.status).toBe('live');
  expect(latest().sent).toEqual([{ type: 'subscribe', stream: 'public', since: '14' }]);
  latest().receive(created('14')); // replayed twice by the server: still once
  latest().receive(created('15'));
  expect(handler.ids).toEqual(['14', '15']);
});

test('a server going away (1001) is rejoined at once; 4001 ends the session', () => {
  vi.spyOn(Math, 'random').mockReturnValue(1);
  live.hostConnected();
  latest().open();
  latest().drop(1001);
  vi.advanceTimersByTime(500);
  expect(FakeSocket.all).toHaveLength(2);
  latest().open();
  latest().drop(4001);
  expect(expired).toBe(1);
  expect(live.status).toBe('offline');
  vi.advanceTimersByTime(60_000);
  expect(FakeSocket.all).toHaveLength(2);
});

test('resync: the handler reloads and the stream resumes from the latest id', () => {
  live.hostConnected();
  const handler = recorder();
  live.subscribe('tag:lit', handler);
  latest().open();
  latest().sent = [];
  latest().receive({ type: 'resync', stream: 'tag:lit', latestEventId: '99' });
  expect(handler.resyncs).toBe(1);
  expect(latest().sent).toEqual([{ type: 'subscribe', stream: 'tag:lit', since: '99' }]);
  latest().receive(created('99', ['tag:lit']));
  latest().receive(created('100', ['tag:lit']));
  expect(handler.ids).toEqual(['100']);
});

test('a subscription made while offline is refreshed once the server confirms it', async () => {
  live.hostConnected();
  latest().drop(1006); // waiting to retry
  const handler = recorder();
  const subscription = live.subscribe('public', handler);
  await subscription.ready; // does not wait for a connection that is not there
  vi.advanceTimersByTime(10_000);
  latest().open();
  latest().receive({ type: 'subscribed', stream: 'public', position: '10' });
  expect(handler.resyncs).toBe(1);
});

test('the last unsubscribe tells the server; stop closes and forgets', () => {
  live.hostConnected();
  const a = live.subscribe('public', recorder());
  const b = live.subscribe('public', recorder());
  latest().open();
  latest().sent = [];
  a.unsubscribe();
  expect(latest().sent).toEqual([]);
  b.unsubscribe();
  expect(latest().sent).toEqual([{ type: 'unsubscribe', stream: 'public' }]);
  const socket = latest();
  live.stop();
  expect(socket.closedWith).toBe(1000);
  expect(live.status).toBe('offline');
});

test('retry now, while waiting to reconnect, opens a connection at once; otherwise it does nothing', () => {
  live.hostConnected();
  latest().open();
  live.retryNow(); // connected: nothing to retry
  expect(FakeSocket.all).toHaveLength(1);
  latest().drop(1006);
  expect(live.status).toBe('reconnecting');
  live.retryNow();
  expect(FakeSocket.all).toHaveLength(2);
  live.retryNow(); // already trying
  expect(FakeSocket.all).toHaveLength(2);
});
