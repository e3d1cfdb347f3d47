// The live feed as docs/live-feed.md describes it, on two replicas of one database: written on A,
// received on B; and a third replica that is shut down at the end.
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from './support/cluster.ts';
import { Client } from './support/http.ts';
import { type Frame, Live } from './support/live.ts';
import { Api } from './support/openapi.ts';
import { claimsOf, now, sign } from './support/tokens.ts';
import { type Account, post, register } from './support/users.ts';

// Debug logs with every request, so that the check that no token is logged sees as much as there is.
const live = {
  LIVE_MAX_SUBSCRIPTIONS: '4',
  LIVE_MAX_CONNECTIONS_PER_USER: '3',
  LOG_LEVEL: 'debug',
  LOG_REQUESTS: 'true',
};
const tokensUsed: string[] = [];
const cluster = await startCluster([live, live, live]);
const sockets: Live[] = [];
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await cluster.stop();
});
const [A, B, C] = cluster.replicas as [
  (typeof cluster.replicas)[0],
  (typeof cluster.replicas)[0],
  (typeof cluster.replicas)[0],
];
const api = await Api.load(A.base);
const a = new Client(A.base, api);
const messageSchema = api.validator(api.responseSchema(api.find('POST', '/api/messages')!, 201)!);

const decimal = /^(0|[1-9][0-9]*)$/;
const connect = async (url: string, token: string) => {
  tokensUsed.push(token);
  const socket = await Live.connect(url, token);
  sockets.push(socket);
  await socket.next((f) => f.type === 'welcome', 'welcome');
  return socket;
};
const tag = () => `lf${Math.random().toString(36).slice(2, 10)}`;
const created = (id: string) => (f: Frame) =>
  f.type === 'event' && f.event === 'message.created' && f.data.id === id;

describe('connecting (docs/live-feed.md, Connecting)', () => {
  let ada: Account;

  it('refuses the upgrade with 401 without flock.v1, without flock.auth., or with a bad, expired or URL-borne token', async () => {
    ada = await register(a, 'lv');
    const expired = sign({ ...claimsOf(ada.token), iat: now() - 120, exp: now() - 60 });
    const attempts: [string, string, string[]][] = [
      ['no subprotocols', A.ws, []],
      ['only flock.v1', A.ws, ['flock.v1']],
      ['no flock.v1', A.ws, [`flock.auth.${ada.token}`]],
      ['a garbage token', A.ws, ['flock.v1', 'flock.auth.garbage']],
      ['a tampered token', A.ws, ['flock.v1', `flock.auth.${ada.token.slice(0, -3)}abc`]],
      ['an expired token', A.ws, ['flock.v1', `flock.auth.${expired}`]],
      ['the token in the URL', `${A.ws}?token=${ada.token}`, ['flock.v1']],
    ];
    for (const [what, url, protocols] of attempts)
      expect(await Live.open(url, protocols), what).toEqual({ refused: 401 });
  });

  it("refuses a foreign Origin with 403 and takes the API's own", async () => {
    const protocols = ['flock.v1', `flock.auth.${ada.token}`];
    expect(await Live.open(A.ws, protocols, { origin: 'http://elsewhere.example' })).toEqual({
      refused: 403,
    });
    const own = await Live.open(A.ws, protocols, { origin: A.base });
    expect(own).toBeInstanceOf(Live);
    await (own as Live).close();
  });

  it('answers with flock.v1 (never the token) and sends the welcome frame first', async () => {
    const socket = await Live.connect(B.ws, ada.token);
    sockets.push(socket);
    expect(socket.socket.protocol).toBe('flock.v1');
    const welcome = await socket.next(() => true, 'a first frame');
    expect(Object.keys(welcome).sort()).toEqual(['latestEventId', 'type', 'username']);
    expect(welcome).toMatchObject({ type: 'welcome', username: ada.username });
    expect(welcome.latestEventId).toMatch(decimal);
  });

  it('refuses a user past LIVE_MAX_CONNECTIONS_PER_USER (3) on one replica with 429, and takes them on another', async () => {
    const bob = await register(a, 'lc');
    for (let i = 0; i < 3; i++) await connect(A.ws, bob.token);
    expect(await Live.open(A.ws, ['flock.v1', `flock.auth.${bob.token}`])).toEqual({ refused: 429 });
    await connect(B.ws, bob.token);
  });
});

describe('events across replicas (docs/live-feed.md, Frames)', () => {
  it('delivers message.created, message.liked (like and unlike) and message.deleted written on A to subscribers on B, once each with every matching stream', async () => {
    const [alice, fan, watcher] = [await register(a, 'al'), await register(a, 'fn'), await register(a, 'wt')];
    const t = tag();
    const socket = await connect(B.ws, watcher.token);
    const streams = ['public', `tag:${t}`, `user:${alice.username}`];
    for (const stream of streams) {
      const answer = await socket.subscribe(stream);
      expect(answer).toEqual({ type: 'subscribed', stream, position: answer.position });
      expect(answer.position).toMatch(decimal);
    }
    const message = await post(a, alice, `live #${t}`);
    const event = await socket.next(created(message.id), 'message.created');
    expect(event.id).toMatch(decimal);
    expect([...event.streams].sort()).toEqual([...streams].sort());
    expect(messageSchema(event.data), JSON.stringify(messageSchema.errors)).toBe(true);
    expect(event.data).toEqual({ ...message, likedByMe: false });

    await a.put(`/api/messages/${message.id}/like`, { token: fan.token });
    const liked = await socket.next(
      (f) => f.event === 'message.liked' && f.data.likeCount === 1,
      'message.liked',
    );
    // An event's reference to a message carries its author's username and bot flag, not the display name.
    const { username, bot } = message.author as { username: string; bot: boolean };
    const author = { username, bot };
    expect(liked.data).toMatchObject({
      id: message.id,
      author,
      tags: message.tags,
      inReplyTo: null,
      likeCount: 1,
    });
    await a.delete(`/api/messages/${message.id}/like`, { token: fan.token });
    const unliked = await socket.next(
      (f) => f.event === 'message.liked' && f.data.likeCount === 0,
      'the unlike',
    );
    expect(unliked.data).toMatchObject({ id: message.id, likeCount: 0 });
    await a.delete(`/api/messages/${message.id}`, { token: alice.token });
    const deleted = await socket.next((f) => f.event === 'message.deleted', 'message.deleted');
    expect(deleted.data).toMatchObject({ id: message.id, author, tags: message.tags, inReplyTo: null });
    expect([...deleted.streams].sort()).toEqual([...streams].sort());

    const events = socket.events();
    expect(events.map((e) => e.id)).toEqual([event.id, liked.id, unliked.id, deleted.id]);
    expect(events.every((e, i) => i === 0 || BigInt(e.id) > BigInt(events[i - 1]!.id))).toBe(true);
  });

  it('sends a tag: or user: subscriber only its own messages, and stops a stream at unsubscribe', async () => {
    const [alice, bob] = [await register(a, 'ta'), await register(a, 'tb')];
    const t = tag();
    const socket = await connect(B.ws, bob.token);
    await socket.subscribe(`tag:${t}`);
    await socket.subscribe(`user:${alice.username}`);
    await socket.subscribe('public');
    const untagged = await post(a, bob, 'no tag here');
    const tagged = await post(a, bob, `with #${t}`);
    const hers = await post(a, alice, 'by alice');
    for (const [message, streams] of [
      [untagged, ['public']],
      [tagged, ['public', `tag:${t}`]],
      [hers, ['public', `user:${alice.username}`]],
    ] as const) {
      const event = await socket.next(created(message.id), `the event of ${message.content}`);
      expect([...event.streams].sort()).toEqual([...streams].sort());
    }
    socket.send({ type: 'unsubscribe', stream: `tag:${t}` });
    await socket.next((f) => f.type === 'unsubscribed' && f.stream === `tag:${t}`, 'unsubscribed');
    const after = await post(a, bob, `after unsubscribing #${t}`);
    expect((await socket.next(created(after.id), 'the event after unsubscribing')).streams).toEqual([
      'public',
    ]);
  });

  it('resumes with since on another replica: every later event once, in order, then the live ones', async () => {
    const ada = await register(a, 'rs');
    const first = await connect(A.ws, ada.token);
    await first.subscribe('public');
    const seen = await post(a, ada, 'seen before the disconnect');
    const last = (await first.next(created(seen.id), 'the last seen event')).id as string;
    await first.close();
    const missed: string[] = [];
    for (let i = 0; i < 6; i++)
      missed.push((await post(i % 2 ? a : new Client(C.base, api), ada, `missed ${i}`)).id);
    const second = await connect(B.ws, ada.token);
    // Posts keep arriving while the subscription replays: none may fall between replay and live.
    const during = Promise.all(
      Array.from({ length: 6 }, (_, i) => post(i % 2 ? a : new Client(C.base, api), ada, `during ${i}`)),
    );
    await second.subscribe('public', last);
    const racing = (await during).map((m) => m.id);
    const liveOne = await post(a, ada, 'live after resuming');
    await second.next(created(liveOne.id), 'the live one');
    // Events come in event-id order; concurrent posts may hold message ids in another order.
    const byId = (x: string, y: string) => (BigInt(x) < BigInt(y) ? -1 : 1);
    const got = second.events().map((e) => e.data.id as string);
    expect(got.slice(0, missed.length)).toEqual(missed);
    expect(got.at(-1)).toBe(liveOne.id);
    expect([...got].sort(byId)).toEqual([...missed, ...racing, liveOne.id].sort(byId));
    const eventIds = second.events().map((e) => BigInt(e.id));
    expect(eventIds.every((id, i) => id > BigInt(last) && (i === 0 || id > eventIds[i - 1]!))).toBe(true);
  });

  it('handles frames in the order sent: an unsubscribe right after a resuming subscribe takes effect after it', async () => {
    const ada = await register(a, 'or');
    const socket = await connect(B.ws, ada.token);
    const start = (await socket.subscribe('public')).position as string;
    await post(a, ada, 'something to replay');
    const from = socket.frames.length;
    socket.send({ type: 'subscribe', stream: `user:${ada.username}`, since: start });
    socket.send({ type: 'unsubscribe', stream: `user:${ada.username}` });
    await socket.next((f) => f.type === 'unsubscribed', 'unsubscribed', 10_000, from);
    const answers = socket.frames
      .slice(from)
      .filter((f) => f.type === 'subscribed' || f.type === 'unsubscribed');
    expect(answers.map((f) => f.type)).toEqual(['subscribed', 'unsubscribed']);
  });
});

describe('what the server refuses on an open connection', () => {
  it('answers frames it does not understand with an error frame (BAD_FRAME) and stays open', async () => {
    const ada = await register(a, 'bf');
    const socket = await connect(A.ws, ada.token);
    const bad = [
      'not json',
      '[1,2]',
      '"subscribe"',
      JSON.stringify({ type: 'dance' }),
      JSON.stringify({ type: 'subscribe' }),
      JSON.stringify({ type: 'subscribe', stream: 'nope' }),
      JSON.stringify({ type: 'subscribe', stream: 'tag:' }),
      JSON.stringify({ type: 'subscribe', stream: 'tag:no spaces' }),
      JSON.stringify({ type: 'subscribe', stream: 'user:x' }),
      JSON.stringify({ type: 'subscribe', stream: 'public', since: 'abc' }),
      JSON.stringify({ type: 'subscribe', stream: 'public', extra: true }),
    ];
    for (const frame of bad) {
      const from = socket.frames.length;
      socket.send(frame);
      const answer = await socket.next(() => true, `an answer to ${frame}`, 10_000, from);
      expect(answer, frame).toMatchObject({ type: 'error', code: 'BAD_FRAME' });
      expect(answer.message, frame).toBeTypeOf('string');
    }
    expect(await socket.subscribe('public')).toMatchObject({ type: 'subscribed', stream: 'public' });
  });

  it('caps subscriptions at LIVE_MAX_SUBSCRIPTIONS (4): the fifth gets an error frame, the connection stays open', async () => {
    const ada = await register(a, 'cap');
    const socket = await connect(A.ws, ada.token);
    for (const stream of ['public', 'tag:a1', 'tag:a2', `user:${ada.username}`])
      expect((await socket.subscribe(stream)).type, stream).toBe('subscribed');
    expect((await socket.subscribe('tag:a5')).type).toBe('error');
    socket.send({ type: 'unsubscribe', stream: 'tag:a1' });
    await socket.next((f) => f.type === 'unsubscribed', 'unsubscribed');
    expect((await socket.subscribe('tag:a5')).type).toBe('subscribed');
  });

  it('closes with 1009 on a frame over LIVE_MAX_FRAME_BYTES (4096)', async () => {
    const ada = await register(a, 'big');
    const socket = await connect(A.ws, ada.token);
    socket.send({ type: 'subscribe', stream: 'public', padding: 'x'.repeat(5000) });
    expect(await socket.closed).toBe(1009);
  });

  it('closes with 4001 when the token expires while connected', async () => {
    const ada = await register(a, 'exp');
    // Expiring in a second; the 5 s clock tolerance follows.
    const shortLived = sign({ ...claimsOf(ada.token), iat: now(), exp: now() + 1 });
    const socket = await connect(B.ws, shortLived);
    expect(await socket.closed).toBe(4001);
  });

  it('writes no token into any log line (debug level, every request logged)', () => {
    expect(tokensUsed.length).toBeGreaterThan(5);
    for (const replica of cluster.replicas) {
      const output = replica.process.output();
      expect(output.length).toBeGreaterThan(0);
      for (const token of tokensUsed)
        expect(output.includes(token), `a token in the log of ${replica.base}`).toBe(false);
      expect(output).not.toContain('flock.auth.');
    }
  });

  it('closes with 1001 when the replica shuts down', async () => {
    const ada = await register(a, 'bye');
    const socket = await connect(C.ws, ada.token);
    await socket.subscribe('public');
    const [code, exit] = await Promise.all([socket.closed, C.stop()]);
    expect(code).toBe(1001);
    expect(exit).toBe(0);
  });
});
