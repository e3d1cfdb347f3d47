// The bots' timing, over many simulated hours on a fake clock against an in-memory API: rates within
// ±10% of the configuration, Poisson spacing, a seed that reproduces a run, and what happens when the API
// goes away for minutes, rate-limits, or lets tokens expire.
import { findHashtags } from '@flock/shared';
import { describe, expect, it } from 'vitest';
import type { Call } from './helpers/fake-api.ts';
import { coefficientOfVariation, counter, gaps, HOUR, simulateSwarm } from './helpers/swarm.ts';

const byUser = (calls: Call[]) => {
  const map = new Map<string, number[]>();
  for (const call of calls) {
    const list = map.get(call.user!) ?? [];
    list.push(call.at);
    map.set(call.user!, list);
  }
  return [...map.values()];
};

describe('rates', () => {
  it('posts and likes at the configured rates, with exponential gaps, over 6 simulated hours', async () => {
    const bots = 50;
    const hours = 6;
    const swarm = simulateSwarm({
      BOTS_PER_POD: String(bots),
      POSTS_PER_HOUR: '60',
      LIKES_PER_HOUR: '120',
      JITTER_PERCENT: '20',
      TAG_POOL: 'alpha,beta,gamma,delta',
      SEED: 'rates',
    });
    await swarm.clock.runFor(hours * HOUR);
    await swarm.agent.stop();

    const posts = swarm.api.accepted('POST', /^\/api\/messages$/);
    const likeAttempts =
      (await counter(swarm.metrics, 'like', 'ok')) + (await counter(swarm.metrics, 'like', 'skipped'));
    const expectedPosts = bots * hours * 60;
    const expectedLikes = bots * hours * 120;
    expect(Math.abs(posts.length - expectedPosts) / expectedPosts).toBeLessThan(0.1);
    expect(Math.abs(likeAttempts - expectedLikes) / expectedLikes).toBeLessThan(0.1);
    // Likes found something to like nearly always (the feed is busy).
    expect(await counter(swarm.metrics, 'like', 'ok')).toBeGreaterThan(likeAttempts * 0.95);
    expect(await counter(swarm.metrics, 'post', 'ok')).toBe(posts.length);

    // A Poisson process: gaps are exponential, so their coefficient of variation is 1 and about
    // 1 - 1/e of them are shorter than the mean. Per bot (jitter gives each bot its own rate).
    for (const calls of [posts, swarm.api.accepted('PUT', /\/like$/)]) {
      const perBot = byUser(calls).map(gaps);
      const cvs = perBot.map(coefficientOfVariation);
      const meanCv = cvs.reduce((a, b) => a + b, 0) / cvs.length;
      expect(meanCv).toBeGreaterThan(0.9);
      expect(meanCv).toBeLessThan(1.1);
      const shortShare =
        perBot
          .map((g) => {
            const mean = g.reduce((a, b) => a + b, 0) / g.length;
            return g.filter((x) => x < mean).length / g.length;
          })
          .reduce((a, b) => a + b, 0) / perBot.length;
      expect(shortShare).toBeGreaterThan(0.6);
      expect(shortShare).toBeLessThan(0.665);
    }

    // Jitter: bots really differ (±20% rates), and their mean stays at the configured rate.
    const rates = swarm.agent.bots.map((bot) => bot.postRate * HOUR);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(48);
    expect(Math.max(...rates)).toBeLessThanOrEqual(72);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(15);
  });

  it('posts only tags from the pool, 1 to 3 each, and likes only others’ messages, each once', async () => {
    const swarm = simulateSwarm({
      BOTS_PER_POD: '20',
      POSTS_PER_HOUR: '120',
      LIKES_PER_HOUR: '600',
      TAG_POOL: 'alpha,beta,gamma,delta',
      SEED: 'content',
    });
    await swarm.clock.runFor(HOUR);
    await swarm.agent.stop();
    expect(swarm.api.messages.length).toBeGreaterThan(1500);
    for (const message of swarm.api.messages) {
      expect(message.tags.length).toBeGreaterThanOrEqual(1);
      expect(message.tags.length).toBeLessThanOrEqual(3);
      for (const tag of message.tags) expect(['alpha', 'beta', 'gamma', 'delta']).toContain(tag);
      expect(message.content.length).toBeLessThanOrEqual(500);
      // Hashtags in the text (as the API reads them) are the tags sent, once each: nothing outside the pool
      // sneaks in through the words.
      expect(
        findHashtags(message.content)
          .map((hashtag) => hashtag.tag)
          .sort(),
      ).toEqual([...message.tags].sort());
    }
    const likes = swarm.api.accepted('PUT', /\/like$/);
    expect(likes.length).toBeGreaterThan(7_500);
    const pairs = new Set(likes.map((c) => `${c.user} ${c.path}`));
    expect(pairs.size).toBe(likes.length);
    const authorOf = new Map(swarm.api.messages.map((m) => [m.id, m.author]));
    for (const like of likes) expect(authorOf.get(like.path.split('/')[3]!)).not.toBe(like.user);
  });

  it('follows and replies at the configured rates beside posts and likes, with exponential gaps', async () => {
    const bots = 40;
    const hours = 6;
    const swarm = simulateSwarm({
      BOTS_PER_POD: String(bots),
      POSTS_PER_HOUR: '60',
      LIKES_PER_HOUR: '30',
      FOLLOWS_PER_HOUR: '6',
      REPLIES_PER_HOUR: '40',
      TAG_POOL: 'alpha,beta',
      SEED: 'social',
    });
    await swarm.clock.runFor(hours * HOUR);
    await swarm.agent.stop();

    const attempts = async (kind: string) =>
      (await counter(swarm.metrics, kind, 'ok')) + (await counter(swarm.metrics, kind, 'skipped'));
    for (const [kind, perHour] of [
      ['post', 60],
      ['like', 30],
      ['follow', 6],
      ['reply', 40],
    ] as const) {
      const expected = bots * hours * perHour;
      expect(Math.abs((await attempts(kind)) - expected) / expected, kind).toBeLessThan(0.1);
    }
    // 40 bots can follow at most 39 others each: once a bot follows everyone it sees, its follows are
    // skipped, not sent again.
    const follows = swarm.api.accepted('PUT', /\/follow$/);
    expect(follows.length).toBe(await counter(swarm.metrics, 'follow', 'ok'));
    expect(follows.length).toBeGreaterThan(bots * 20);
    expect(follows.length).toBeLessThanOrEqual(bots * (bots - 1));
    const replies = swarm.api.messages.filter((m) => m.inReplyTo !== null);
    expect(replies.length).toBe(await counter(swarm.metrics, 'reply', 'ok'));
    expect(await counter(swarm.metrics, 'reply', 'ok')).toBeGreaterThan((await attempts('reply')) * 0.95);
    // Posts are still posts: a reply is counted as a reply only.
    expect(swarm.api.messages.length - replies.length).toBe(await counter(swarm.metrics, 'post', 'ok'));
    // Replies are Poisson too.
    const cvs = byUser(swarm.api.calls.filter((c) => c.status === 201 && c.body?.inReplyTo !== undefined))
      .map(gaps)
      .map(coefficientOfVariation);
    const meanCv = cvs.reduce((a, b) => a + b, 0) / cvs.length;
    expect(meanCv).toBeGreaterThan(0.9);
    expect(meanCv).toBeLessThan(1.1);
  });

  it('follows only others it has seen, each once; replies only to existing messages of others, each once', async () => {
    const swarm = simulateSwarm({
      BOTS_PER_POD: '20',
      POSTS_PER_HOUR: '120',
      LIKES_PER_HOUR: '0',
      FOLLOWS_PER_HOUR: '60',
      REPLIES_PER_HOUR: '300',
      TAG_POOL: 'alpha,beta,gamma,delta',
      SEED: 'threads',
    });
    await swarm.clock.runFor(HOUR);
    await swarm.agent.stop();

    const follows = swarm.api.accepted('PUT', /\/follow$/);
    expect(follows.length).toBeGreaterThan(200);
    const pairs = follows.map((c) => `${c.user} ${c.path.split('/')[3]}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const authors = new Set(swarm.api.messages.map((m) => m.author));
    for (const call of follows) {
      const followee = call.path.split('/')[3]!;
      expect(followee).not.toBe(call.user);
      // Someone whose message was in the feed.
      expect(authors).toContain(followee);
    }
    // Nothing the API refused: no self-follows, no missing accounts, no replies to missing messages.
    expect(swarm.api.calls.filter((c) => c.status >= 400)).toEqual([]);

    const byId = new Map(swarm.api.messages.map((m) => [m.id, m]));
    const replies = swarm.api.messages.filter((m) => m.inReplyTo !== null);
    expect(replies.length).toBeGreaterThan(3_000);
    const replied = new Set<string>();
    for (const reply of replies) {
      const parent = byId.get(reply.inReplyTo!);
      expect(parent).toBeDefined();
      expect(parent!.author).not.toBe(reply.author);
      // Each bot answers a message once.
      expect(replied.has(`${reply.author} ${reply.inReplyTo}`)).toBe(false);
      replied.add(`${reply.author} ${reply.inReplyTo}`);
      // Replies carry 1–3 tags from the pool, in the text as hashtags, like posts.
      expect(reply.tags.length).toBeGreaterThanOrEqual(1);
      expect(reply.tags.length).toBeLessThanOrEqual(3);
      for (const tag of reply.tags) expect(['alpha', 'beta', 'gamma', 'delta']).toContain(tag);
      expect(
        findHashtags(reply.content)
          .map((hashtag) => hashtag.tag)
          .sort(),
      ).toEqual([...reply.tags].sort());
      expect(reply.content.length).toBeLessThanOrEqual(500);
    }
    // Threads grow: replies to replies.
    expect(replies.some((r) => byId.get(r.inReplyTo!)!.inReplyTo !== null)).toBe(true);
    expect(replies.length).toBe(swarm.api.messages.reduce((n, m) => n + m.replyCount, 0));
  });

  it('drops a follow the API refuses (an account gone: 404) and a reply to a message gone (422), and carries on', async () => {
    // Each bot has only 4 others to follow: the refusals come first, before it has followed them all.
    const refusing = (at: number) => at < HOUR / 2;
    const swarm = simulateSwarm(
      {
        BOTS_PER_POD: '5',
        POSTS_PER_HOUR: '120',
        LIKES_PER_HOUR: '0',
        FOLLOWS_PER_HOUR: '120',
        REPLIES_PER_HOUR: '120',
        SEED: 'gone',
      },
      {
        fault: ({ at, path, body }) => {
          if (!refusing(at)) return undefined;
          if (path.endsWith('/follow')) return 404;
          return body?.inReplyTo !== undefined ? 422 : undefined;
        },
      },
    );
    await swarm.clock.runFor(HOUR);
    await swarm.agent.stop();
    const refused = (status: number, what: (c: Call) => boolean) =>
      swarm.api.calls.filter((c) => c.status === status && what(c)).length;
    const refusedFollows = refused(404, (c) => c.path.endsWith('/follow'));
    const refusedReplies = refused(422, (c) => c.body?.inReplyTo !== undefined);
    expect(refusedFollows).toBeGreaterThan(5);
    expect(refusedReplies).toBeGreaterThan(5);
    expect(await counter(swarm.metrics, 'follow', 'rejected')).toBe(refusedFollows);
    expect(await counter(swarm.metrics, 'reply', 'rejected')).toBe(refusedReplies);
    // A refusal is not an outage: no backoff, so posts kept to their rate through the refusing half hour.
    const postsThen = swarm.api
      .accepted('POST', /^\/api\/messages$/)
      .filter((c) => refusing(c.at) && c.body?.inReplyTo === undefined).length;
    const expected = 5 * 120 * 0.5;
    expect(Math.abs(postsThen - expected) / expected).toBeLessThan(0.3);
    expect(await counter(swarm.metrics, 'reply', 'ok')).toBeGreaterThan(0);
  });

  it('repeats a run exactly with the same seed, and not with another', async () => {
    const run = async (seed: string) => {
      const swarm = simulateSwarm({
        BOTS_PER_POD: '10',
        POSTS_PER_HOUR: '60',
        LIKES_PER_HOUR: '60',
        FOLLOWS_PER_HOUR: '10',
        REPLIES_PER_HOUR: '30',
        SEED: seed,
      });
      await swarm.clock.runFor(HOUR);
      await swarm.agent.stop();
      return swarm.api.calls.map(
        (c) => `${c.at.toFixed(3)} ${c.method} ${c.path} ${c.user} ${JSON.stringify(c.body)}`,
      );
    };
    const first = await run('same');
    expect(first.length).toBeGreaterThan(100);
    expect(await run('same')).toEqual(first);
    expect(await run('other')).not.toEqual(first);
  });
});

describe('trouble', () => {
  it('survives the API being down for 10 minutes and resumes within the backoff cap', async () => {
    const downFrom = HOUR;
    const downTo = HOUR + 10 * 60_000;
    const swarm = simulateSwarm(
      {
        BOTS_PER_POD: '20',
        POSTS_PER_HOUR: '120',
        LIKES_PER_HOUR: '120',
        BACKOFF_MAX_MS: '30000',
        SEED: 'down',
      },
      { fault: ({ at }) => (at >= downFrom && at < downTo ? 'down' : undefined) },
    );
    await swarm.clock.runFor(3 * HOUR);
    await swarm.agent.stop();

    const refused = swarm.api.calls.filter((c) => c.status === 0);
    expect(refused.length).toBeGreaterThan(0);
    // Backing off: over 10 minutes a bot retries about every 15 s on average (a cap of 30 s with
    // jitter), far fewer than if it kept to its schedule of one request every 15 s... plus the ramp-up.
    expect(refused.length).toBeLessThan((20 * (10 * 60)) / 5);
    // Every bot is back within the cap after the API returns, and posts at its rate afterwards.
    for (const bot of swarm.agent.bots) {
      const back = swarm.api.calls.find((c) => c.user === bot.username && c.at >= downTo && c.status < 300);
      expect(back, bot.username).toBeDefined();
      expect(back!.at - downTo).toBeLessThan(30_000 + 60_000);
    }
    const postsAfter = swarm.api.accepted('POST', /^\/api\/messages$/).filter((c) => c.at >= downTo + 60_000);
    const expected = 20 * 120 * ((3 * HOUR - downTo - 60_000) / HOUR);
    expect(Math.abs(postsAfter.length - expected) / expected).toBeLessThan(0.1);
    expect(await counter(swarm.metrics, 'post', 'network_error')).toBeGreaterThan(0);
    expect((await swarm.metrics.botsActive.get()).values[0]?.value).toBe(0); // all ended by stop()
  });

  it('waits out Retry-After on 429 before its next request', async () => {
    const limitedUntil = 30 * 60_000;
    const swarm = simulateSwarm(
      { BOTS_PER_POD: '10', POSTS_PER_HOUR: '600', LIKES_PER_HOUR: '0', SEED: '429' },
      {
        retryAfterSeconds: 20,
        fault: ({ at, path }) => (at < limitedUntil && path === '/api/messages' ? 429 : undefined),
      },
    );
    await swarm.clock.runFor(HOUR);
    await swarm.agent.stop();
    for (const bot of swarm.agent.bots) {
      const calls = swarm.api.calls.filter((c) => c.user === bot.username && c.path === '/api/messages');
      for (let i = 1; i < calls.length; i++) {
        if (calls[i - 1]!.status === 429)
          expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(20_000);
      }
      // Without the 429s a bot would have made ~300 requests in the first half hour; obeying, ≤ 90.
      expect(calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(90);
      expect(calls.filter((c) => c.status === 201).length).toBeGreaterThan(200);
    }
  });

  it('logs in again when its token expires, without registering again', async () => {
    const swarm = simulateSwarm(
      { BOTS_PER_POD: '5', POSTS_PER_HOUR: '120', LIKES_PER_HOUR: '120', SEED: 'ttl' },
      { tokenTtlMs: 20 * 60_000 },
    );
    await swarm.clock.runFor(2 * HOUR);
    await swarm.agent.stop();
    expect(swarm.api.accepted('POST', /register$/).length).toBe(5);
    // Tokens last 20 minutes: over 2 hours each bot logs in again about 5 times.
    const logins = swarm.api.accepted('POST', /login$/).length;
    expect(logins).toBeGreaterThanOrEqual(5 * 4);
    expect(logins).toBeLessThanOrEqual(5 * 6);
    // Each 401 was retried once after the login: every refused post is followed by its accepted retry.
    const refused = swarm.api.calls.filter((c) => c.status === 401 && c.path === '/api/messages');
    expect(refused.length).toBeGreaterThan(0);
    const posts = swarm.api.accepted('POST', /^\/api\/messages$/).length;
    const expected = 5 * 120 * 2;
    expect(Math.abs(posts - expected) / expected).toBeLessThan(0.15);
  });

  it('treats a 503 Retry-After as the least it waits, on top of its backoff', async () => {
    const overloadedUntil = 10 * 60_000;
    const swarm = simulateSwarm(
      { BOTS_PER_POD: '5', POSTS_PER_HOUR: '600', LIKES_PER_HOUR: '0', SEED: '503' },
      {
        retryAfterSeconds: 20,
        fault: ({ at, path }) => (at < overloadedUntil && path === '/api/messages' ? 503 : undefined),
      },
    );
    await swarm.clock.runFor(HOUR);
    await swarm.agent.stop();
    const posts = swarm.api.calls.filter((c) => c.path === '/api/messages');
    for (const bot of swarm.agent.bots) {
      const calls = posts.filter((c) => c.user === bot.username);
      for (let i = 1; i < calls.length; i++)
        if (calls[i - 1]!.status === 503)
          expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(20_000);
      expect(calls.some((c) => c.status === 201)).toBe(true);
    }
    expect(await counter(swarm.metrics, 'post', 'server_error')).toBeGreaterThan(0);
  });

  it('retires a bot whose name belongs to another password, and the others go on', async () => {
    const swarm = simulateSwarm({
      BOTS_PER_POD: '3',
      POSTS_PER_HOUR: '60',
      LIKES_PER_HOUR: '0',
      SEED: 'taken',
    });
    // Someone else took bot 1's name before the swarm started.
    const taken = swarm.agent.bots[1]!.username;
    swarm.api.users.set(taken, { password: 'not the bot password', bot: false });
    await swarm.clock.runFor(HOUR);
    expect((await swarm.metrics.botsActive.get()).values[0]?.value).toBe(2);
    const errors = await swarm.metrics.errors.get();
    expect(errors.values.find((v) => v.labels.reason === 'login_refused')?.value).toBe(1);
    const posters = new Set(swarm.api.accepted('POST', /^\/api\/messages$/).map((c) => c.user));
    expect([...posters].sort()).toEqual(
      swarm.agent.bots
        .map((b) => b.username)
        .filter((n) => n !== taken)
        .sort(),
    );
    // It tried once (register → 409 → login → 401) and gave up: no retry storm against that account.
    expect(swarm.api.calls.filter((c) => c.path === '/api/auth/login' && c.status === 401)).toHaveLength(1);
    await swarm.agent.stop();
  });
});
