// Posting, likes, deleting, the feed's paging in both directions and its filters, and trending tags, as
// README "The API" describes them; requests alternate between two replicas of one database.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from './support/cluster.ts';
import { Client, expectError, expectNamesField } from './support/http.ts';
import { Api } from './support/openapi.ts';
import { type Account, post, register } from './support/users.ts';

const cluster = await startCluster([{}, {}]);
afterAll(() => cluster.stop());
const api = await Api.load(cluster.replicas[0]!.base);
const [a, b] = cluster.replicas.map((replica) => new Client(replica.base, api)) as [Client, Client];

type Page = {
  items: { id: string; tags: string[]; author: { username: string } }[];
  next: string | null;
  newer?: string | null;
};
const page = async (client: Client, query: string): Promise<Page> => {
  const reply = await client.get(`/api/messages?${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.json;
};
const ids = (p: Page) => p.items.map((m) => m.id);
const descending = (list: string[]) => list.every((id, i) => i === 0 || BigInt(id) < BigInt(list[i - 1]!));
const tag = () => `t${randomBytes(4).toString('hex')}`;

describe('posting (README: content 1–500, hashtags and tags merge, lower-cased, at most 10)', () => {
  it('merges #hashtags in the text with tags, lower-cased and once each', async () => {
    const alice = await register(a, 'pa');
    const message = await post(a, alice, 'Hello #Lit and #TypeScript, #lit again', [
      'Kubernetes',
      '#Birds',
      'typescript',
    ]);
    expect([...message.tags].sort()).toEqual(['birds', 'kubernetes', 'lit', 'typescript']);
    expect(message.content).toBe('Hello #Lit and #TypeScript, #lit again');
    expect(message.likeCount).toBe(0);
    expect(message.likedByMe).toBe(false);
    expect(message.author).toEqual({ username: alice.username, displayName: null, bot: false });
    const read = await b.get(`/api/messages/${message.id}`);
    expect(read.json).toEqual({ ...message, likedByMe: false });
  });

  it('takes 10 tags after merging and refuses 11 with a 400 naming tags', async () => {
    const alice = await register(a, 'pb');
    const ten = await post(a, alice, '#one #two #three #four #five #six', [
      'seven',
      'eight',
      'nine',
      'ten',
      'ONE',
      '#Two',
    ]);
    expect(ten.tags).toHaveLength(10);
    const eleven = await a.post(
      '/api/messages',
      { content: '#one #two #three #four #five #six', tags: ['seven', 'eight', 'nine', 'ten', 'eleven'] },
      { token: alice.token },
    );
    expectError(eleven, 400);
    expectNamesField(eleven, 'tags', '11 tags');
  });

  it('takes 500 characters, counted as characters (é, 🐦), and refuses 501', async () => {
    const alice = await register(a, 'pc');
    for (const unit of ['x', 'é', '🐦']) {
      expect((await post(a, alice, unit.repeat(500))).content).toBe(unit.repeat(500));
      const over = await a.post('/api/messages', { content: unit.repeat(501) }, { token: alice.token });
      expectError(over, 400, `501 × ${unit}`);
      expectNamesField(over, 'content');
    }
  });

  it('refuses text without a visible character (spaces, zero-width, control characters) with a 400 naming content', async () => {
    const alice = await register(a, 'pd');
    for (const content of [
      ' ',
      '   \t\n  ',
      '\u200b\u200b',
      '\u200b \u2060\ufeff',
      '\u0001\u0002',
      '\u00a0\u3000',
      '\u202e',
    ]) {
      const reply = await a.post('/api/messages', { content }, { token: alice.token });
      expectError(reply, 400, JSON.stringify(content));
      expectNamesField(reply, 'content', JSON.stringify(content));
    }
  });

  it('refuses control characters other than tab and line breaks, NUL included, and keeps tabs and line breaks', async () => {
    const alice = await register(a, 'pe');
    for (const content of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', '\u0000']) {
      const reply = await a.post('/api/messages', { content }, { token: alice.token });
      expectError(reply, 400, JSON.stringify(content));
      expectNamesField(reply, 'content', JSON.stringify(content));
    }
    const kept = await post(a, alice, 'line one\nline two\r\n\tindented');
    expect(kept.content).toBe('line one\nline two\r\n\tindented');
  });

  it('keeps JSON types: a number for content or a string for tags is a 400, never converted', async () => {
    const alice = await register(a, 'pf');
    for (const body of [
      { content: 123 },
      { content: 'x', tags: 'solo' },
      { content: true },
      { content: ['x'] },
    ]) {
      const reply = await a.post('/api/messages', body, { token: alice.token });
      expectError(reply, 400, JSON.stringify(body));
    }
  });

  it('stores one message for repeated Idempotency-Key requests and answers each the same; another body with the key is 422', async () => {
    const alice = await register(a, 'pg');
    const key = `key-${randomBytes(6).toString('hex')}`;
    const body = { content: `once ${key}` };
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).post('/api/messages', body, {
          token: alice.token,
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    for (const reply of replies) {
      expect(reply.status, reply.text).toBe(201);
      expect(reply.json).toEqual(replies[0]!.json);
    }
    const mine = await page(a, `author=${alice.username}`);
    expect(mine.items.filter((m) => m.id === replies[0]!.json.id)).toHaveLength(1);
    expect(mine.items).toHaveLength(1);
    const other = await a.post(
      '/api/messages',
      { content: 'something else' },
      { token: alice.token, headers: { 'idempotency-key': key } },
    );
    expectError(other, 422);
  });
});

describe('one message, likes and deleting', () => {
  it('answers an unknown id with 404 and an id beyond the bigint range with 400', async () => {
    expectError(await a.get('/api/messages/999999999999999999'), 404);
    expectError(await a.get('/api/messages/9223372036854775808'), 400);
    expectError(await a.get('/api/messages/-1'), 400);
  });

  it('counts likes idempotently per user, shows likedByMe to the liker only, and feeds the profile counts', async () => {
    const [author, fan, other] = [await register(a, 'la'), await register(a, 'lb'), await register(a, 'lc')];
    const message = await post(a, author, 'like me');
    const path = `/api/messages/${message.id}/like`;
    for (const client of [a, b, a])
      expect((await client.put(path, { token: fan.token })).json).toEqual({ likeCount: 1, likedByMe: true });
    expect((await b.put(path, { token: other.token })).json).toEqual({ likeCount: 2, likedByMe: true });
    expect((await a.get(`/api/messages/${message.id}`, { token: fan.token })).json).toMatchObject({
      likeCount: 2,
      likedByMe: true,
    });
    expect((await a.get(`/api/messages/${message.id}`, { token: author.token })).json).toMatchObject({
      likeCount: 2,
      likedByMe: false,
    });
    expect((await a.get(`/api/messages/${message.id}`)).json).toMatchObject({
      likeCount: 2,
      likedByMe: false,
    });
    const feed = await a.get(`/api/messages?author=${author.username}`, { token: fan.token });
    expect(feed.json.items[0]).toMatchObject({ id: message.id, likeCount: 2, likedByMe: true });
    expect((await a.get(`/api/users/${author.username}`)).json).toMatchObject({
      messageCount: 1,
      likesGiven: 0,
      likesReceived: 2,
    });
    expect((await a.get(`/api/users/${fan.username.toUpperCase()}`)).json).toMatchObject({
      username: fan.username,
      likesGiven: 1,
    });
    for (const client of [b, a])
      expect((await client.delete(path, { token: fan.token })).json).toEqual({
        likeCount: 1,
        likedByMe: false,
      });
    expect((await a.get(`/api/users/${author.username}`)).json.likesReceived).toBe(1);
    expectError(await a.put('/api/messages/999999999999999999/like', { token: fan.token }), 404);
    expectError(await a.delete('/api/messages/999999999999999999/like', { token: fan.token }), 404);
  });

  it("deletes your own message (204, then 404 everywhere) and refuses another's with 403, leaving it", async () => {
    const [owner, stranger] = [await register(a, 'da'), await register(a, 'db')];
    const message = await post(a, owner, 'short-lived');
    const refused = await b.delete(`/api/messages/${message.id}`, { token: stranger.token });
    expectError(refused, 403);
    expect((await a.get(`/api/messages/${message.id}`)).status).toBe(200);
    const deleted = await b.delete(`/api/messages/${message.id}`, { token: owner.token });
    expect(deleted.status).toBe(204);
    expectError(await a.get(`/api/messages/${message.id}`), 404);
    expectError(await a.delete(`/api/messages/${message.id}`, { token: owner.token }), 404);
    expectError(await a.put(`/api/messages/${message.id}/like`, { token: stranger.token }), 404);
    expect(ids(await page(a, `author=${owner.username}`))).toEqual([]);
    expect((await a.get(`/api/users/${owner.username}`)).json.messageCount).toBe(0);
  });
});

describe('the feed (README: newest first, keyset; next → before, newer → after)', () => {
  let writer: Account;
  const seeded: string[] = [];
  const seedTag = tag();

  it('walks back with next as before through every message exactly once while new ones are posted', async () => {
    writer = await register(a, 'fa');
    for (let i = 0; i < 30; i++) seeded.push((await post(i % 2 ? a : b, writer, `seed ${i} #${seedTag}`)).id);
    const top = await page(a, 'limit=1');
    const walked: string[] = [];
    let cursor: string | null = top.items[0]!.id;
    walked.push(cursor);
    for (let n = 0; cursor !== null; n++) {
      const current: Page = await page(n % 2 ? a : b, `before=${cursor}&limit=7`);
      expect(descending(ids(current)), `page ${n} newest first`).toBe(true);
      walked.push(...ids(current));
      if (current.items.length > 0)
        expect(current.next === null || current.next === ids(current).at(-1)).toBe(true);
      cursor = current.next;
      await post(a, writer, `arriving while paging ${n}`);
    }
    expect(new Set(walked).size).toBe(walked.length);
    expect(descending(walked)).toBe(true);
    for (const id of seeded) expect(walked).toContain(id);
    // Everything that existed when the walk began: the fixtures of the other checks too, nothing newer.
    const everything = await collect('limit=100');
    expect(walked).toEqual(everything.filter((id) => BigInt(id) <= BigInt(top.items[0]!.id)));
  });

  async function collect(query: string): Promise<string[]> {
    const out: string[] = [];
    let current = await page(a, query);
    out.push(...ids(current));
    while (current.next !== null) {
      current = await page(a, `${query}&before=${current.next}`);
      out.push(...ids(current));
    }
    return out;
  }

  it('catches up with after: the limit messages right after it, newest first, newer as the next after, until null', async () => {
    const start = seeded[4]!;
    const collected: string[][] = [];
    let cursor: string | null = start;
    for (let n = 0; cursor !== null; n++) {
      const current: Page = await page(n % 2 ? b : a, `after=${cursor}&limit=6`);
      expect(descending(ids(current)), `page ${n} newest first`).toBe(true);
      for (const id of ids(current)) expect(BigInt(id) > BigInt(cursor)).toBe(true);
      collected.push(ids(current));
      expect(current, 'a page read with after carries newer').toHaveProperty('newer');
      cursor = current.newer ?? null;
      if (n < 3) await post(b, writer, `arriving while catching up ${n}`);
      expect(n).toBeLessThan(50);
    }
    // Right after the cursor: the first page is the six that follow the start, not the newest six.
    expect(collected[0]).toEqual(seeded.slice(5, 11).reverse());
    const flat = collected.flatMap((p) => [...p].reverse());
    expect(new Set(flat).size).toBe(flat.length);
    const everything = await collect('limit=100');
    expect(flat).toEqual(everything.filter((id) => BigInt(id) > BigInt(start)).reverse());
  });

  it('with before and after, reads the range between them from its newest end, next continuing back until null', async () => {
    const [low, high] = [seeded[3]!, seeded[20]!];
    const walked: string[] = [];
    let current = await page(a, `after=${low}&before=${high}&limit=5`);
    walked.push(...ids(current));
    for (let n = 0; current.next !== null; n++) {
      current = await page(b, `after=${low}&before=${current.next}&limit=5`);
      walked.push(...ids(current));
      expect(n).toBeLessThan(20);
    }
    expect(walked).toEqual(seeded.slice(4, 20).reverse());
  });

  it('filters by tag (with or without #, any case) and by author (any case), each page holding only matches', async () => {
    const other = await register(b, 'fb');
    const mixed = tag();
    await post(b, other, `not mine #${mixed}`);
    await post(b, other, 'untagged');
    for (const query of [
      `tag=${seedTag}`,
      `tag=${encodeURIComponent(`#${seedTag}`)}`,
      `tag=${seedTag.toUpperCase()}`,
    ]) {
      const walked = await collect(`${query}&limit=8`);
      expect(walked, query).toEqual([...seeded].reverse());
    }
    const byAuthor = await collect(`author=${other.username.toUpperCase()}&limit=1`);
    expect(byAuthor).toHaveLength(2);
    const both = await page(a, `author=${other.username}&tag=${mixed}`);
    expect(both.items.map((m) => m.author.username)).toEqual([other.username]);
    expect(ids(await page(a, `author=${writer.username}&tag=${mixed}`))).toEqual([]);
    expect(await page(a, 'author=nobody_at_all')).toMatchObject({ items: [], next: null });
  });

  it('gives 20 items by default and up to limit (1–100)', async () => {
    expect((await page(a, '')).items).toHaveLength(20);
    expect((await page(a, 'limit=1')).items).toHaveLength(1);
    expect((await page(b, 'limit=100')).items.length).toBeGreaterThan(30);
    for (const limit of ['0', '101', '-1'])
      expectError(await a.get(`/api/messages?limit=${limit}`), 400, limit);
  });
});

describe('trending tags (README: [{tag, count}] over the window, 15m, 24h, 7d…)', () => {
  it('counts recent tags in every window the pattern admits, most used first, up to limit', async () => {
    const poster = await register(a, 'ta');
    const [hot, warm, cool] = [tag(), tag(), tag()];
    for (let i = 0; i < 31; i++)
      await post(i % 2 ? a : b, poster, `#${hot}${i < 20 ? ` #${warm}` : ''}${i < 10 ? ` #${cool}` : ''}`);
    const gone = await post(a, poster, `#${cool} deleted soon`);
    expect((await a.delete(`/api/messages/${gone.id}`, { token: poster.token })).status).toBe(204);
    for (const window of ['15m', '1h', '24h', '7d', '1m', '60m', '9999m', '9999h', '9999d']) {
      const reply = await (window.length % 2 ? a : b).get(`/api/tags/trending?window=${window}&limit=50`);
      expect(reply.status, `${window}: ${reply.text}`).toBe(200);
      const counts = Object.fromEntries(
        (reply.json as { tag: string; count: number }[]).map((t) => [t.tag, t.count]),
      );
      expect([counts[hot], counts[warm], counts[cool]], window).toEqual([31, 20, 10]);
      const list = reply.json.map((t: { count: number }) => t.count);
      expect(list, `${window} most used first`).toEqual([...list].sort((x: number, y: number) => y - x));
    }
    const top = await a.get('/api/tags/trending?window=15m&limit=1');
    expect(top.json).toEqual([{ tag: hot, count: 31 }]);
    const byDefault = await a.get('/api/tags/trending');
    expect(byDefault.json.length).toBeLessThanOrEqual(10);
    expect(byDefault.json[0]).toEqual({ tag: hot, count: 31 });
    for (const query of [
      'window=0m',
      'window=10000d',
      'window=1w',
      'window=15',
      'window=1s',
      'limit=0',
      'limit=51',
    ])
      expectError(await a.get(`/api/tags/trending?${query}`), 400, query);
  });
});
