// Accounts: registering, logging in by either name in any case, what a token must be, and deleting an
// account (README "The API"; docs/security.md, Authentication; docs/live-feed.md, Connecting).
import { afterAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER, startCluster } from './support/cluster.ts';
import { Client, expectError } from './support/http.ts';
import { Live } from './support/live.ts';
import { Api, type Operation } from './support/openapi.ts';
import { valid } from './support/samples.ts';
import { claimsOf, now, sign } from './support/tokens.ts';
import { post, register, uniqueName } from './support/users.ts';

const cluster = await startCluster([{}, {}]);
afterAll(() => cluster.stop());
const api = await Api.load(cluster.replicas[0]!.base);
const [a, b] = cluster.replicas.map((replica) => new Client(replica.base, api)) as [Client, Client];

describe('registering and logging in', () => {
  it('registers (201, token and user with email), stores the username in lower case, and declares bots', async () => {
    const username = uniqueName('Reg_Mixed');
    const reply = await a.post('/api/auth/register', {
      username,
      email: `${username}@Example.test`,
      password: 'long enough',
    });
    expect(reply.status).toBe(201);
    expect(reply.json.user).toMatchObject({ username: username.toLowerCase(), bot: false });
    expect(reply.json.user.email.toLowerCase()).toBe(`${username}@example.test`.toLowerCase());
    const me = await b.get('/api/users/me', { token: reply.json.token });
    expect(me.json).toEqual(reply.json.user);
    const bot = await register(a, 'bot', { bot: true });
    expect((await a.get('/api/users/me', { token: bot.token })).json.bot).toBe(true);
    expect((await post(a, bot, 'beep')).author).toEqual({
      username: bot.username,
      displayName: null,
      bot: true,
    });
  });

  it('answers a taken username or email, in any case, with 409 naming the taken field', async () => {
    const taken = await register(a, 'taken');
    const cases = [
      {
        field: 'username',
        body: {
          username: taken.username.toUpperCase(),
          email: `other_${taken.email}`,
          password: 'long enough',
        },
      },
      {
        field: 'email',
        body: { username: uniqueName('free'), email: taken.email.toUpperCase(), password: 'long enough' },
      },
    ];
    for (const { field, body } of cases) {
      const reply = await b.post('/api/auth/register', body);
      expectError(reply, 409, field);
      const named = `${reply.json.error.message} ${JSON.stringify(reply.json.error.details ?? [])}`;
      expect(named, `409 for a taken ${field}`).toContain(field);
    }
  });

  it('logs in by username or email in any case, and answers every bad pair with one generic 401', async () => {
    const ada = await register(a, 'Ada');
    for (const login of [ada.username, ada.email, ada.username.toUpperCase(), ada.email.toUpperCase()]) {
      const reply = await b.post('/api/auth/login', { login, password: ada.password });
      expect(reply.status, login).toBe(200);
      expect(reply.json.user.username).toBe(ada.username.toLowerCase());
      expect((await a.get('/api/users/me', { token: reply.json.token })).json.username).toBe(
        ada.username.toLowerCase(),
      );
    }
    const bad = [
      { login: ada.username, password: `${ada.password}x` },
      { login: ada.username, password: ada.password.toUpperCase() },
      { login: 'nobody_here', password: ada.password },
      { login: 'nobody@example.test', password: 'whatever it is' },
    ];
    const bodies = new Set<string>();
    for (const body of bad) {
      const reply = await a.post('/api/auth/login', body);
      expectError(reply, 401, body.login);
      bodies.add(reply.text);
    }
    expect(bodies.size, [...bodies].join('\n')).toBe(1);
  });

  it('shows an email only in your own account: profiles and messages carry none', async () => {
    const ada = await register(a, 'priv');
    await post(a, ada, 'hello');
    for (const path of [
      `/api/users/${ada.username}`,
      `/api/messages?author=${ada.username}`,
      '/api/tags/trending',
    ]) {
      const reply = await b.get(path, { token: ada.token });
      expect(reply.text, path).not.toContain(ada.email);
      expect(reply.text, path).not.toContain('"email"');
      expect(reply.text, path).not.toContain('$argon2');
    }
    expect((await b.get(`/api/users/${ada.username}`)).json).toMatchObject({
      username: ada.username,
      messageCount: 1,
    });
    expectError(await b.get('/api/users/no_such_user'), 404);
  });
});

describe('tokens (docs/security.md: HS256, iss, aud, exp, iat and sub required, 5 s clock tolerance)', () => {
  it('refuses expired, tampered, foreign, unsigned and malformed tokens with 401 and one body', async () => {
    const ada = await register(a, 'tok');
    const claims = claimsOf(ada.token);
    const t = now();
    const without = (key: string) => Object.fromEntries(Object.entries(claims).filter(([k]) => k !== key));
    const tampered = (() => {
      const [h, , s] = ada.token.split('.');
      return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: '999999' })).toString('base64url')}.${s}`;
    })();
    const bad: Record<string, string> = {
      'expired a minute ago': sign({ ...claims, iat: t - 120, exp: t - 60 }),
      'tampered payload': tampered,
      'wrong secret': sign(claims, { secret: 'another secret, at least thirty-two characters' }),
      'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${ada.token.split('.')[1]}.`,
      HS512: sign(claims, { header: { alg: 'HS512', typ: 'JWT' } }),
      'wrong issuer': sign({ ...claims, iss: 'someone-else' }),
      'wrong audience': sign({ ...claims, aud: 'another-api' }),
      'no exp': sign(without('exp')),
      'no iat': sign(without('iat')),
      'no sub': sign(without('sub')),
      'nbf in the future': sign({ ...claims, nbf: t + 3600 }),
      '8 KiB': sign({ ...claims, padding: 'x'.repeat(8192) }),
      garbage: 'not.a.token',
    };
    const bodies = new Set<string>();
    for (const [what, token] of Object.entries(bad)) {
      const reply = await b.get('/api/users/me', { token });
      expect(reply.status, `${what}: ${reply.text}`).toBe(401);
      expectError(reply, 401, what);
      bodies.add(reply.text);
    }
    expect(bodies.size, [...bodies].join('\n')).toBe(1);
    // Not in the documented list of one-body refusals, but refused all the same.
    expectError(
      await b.get('/api/users/me', { token: sign({ ...claims, sub: '987654321' }) }),
      401,
      'no such account',
    );
  });

  it('accepts a token signed as the API signs (issuer, audience, the shared secret) on every replica', async () => {
    const ada = await register(a, 'own');
    const claims = claimsOf(ada.token);
    expect(claims).toMatchObject({ iss: JWT_ISSUER, aud: JWT_AUDIENCE });
    const t = now();
    for (const client of [a, b]) {
      expect(
        (await client.get('/api/users/me', { token: sign({ ...claims, iat: t, exp: t + 600 }) })).status,
      ).toBe(200);
      // Within the 5 s clock tolerance, a token that has just expired still counts.
      expect(
        (await client.get('/api/users/me', { token: sign({ ...claims, iat: t - 60, exp: t - 2 }) })).status,
      ).toBe(200);
    }
  });
});

/** A request to an authenticated operation, valid in every part but the token. */
function validRequest(op: Operation, messageId: string, username: string): { path: string; body?: unknown } {
  const path = op.path.replace('{id}', messageId).replace('{username}', username);
  return { path, ...(op.body && { body: valid(op.body) }) };
}

describe('deleting an account (README: DELETE /api/users/me {password} → 204)', () => {
  const documented = () => api.find('DELETE', '/api/users/me');

  it('is documented in the OpenAPI document, with 204', () => {
    expect(
      documented(),
      'DELETE /api/users/me is not in GET /api/docs/json: account deletion is not available',
    ).toBeDefined();
    expect(documented()!.statuses).toContain(204);
  });

  it('refuses a wrong password with 403 and deletes nothing', async () => {
    expect(documented(), 'DELETE /api/users/me is not documented').toBeDefined();
    const ada = await register(a, 'keep');
    expectError(
      await b.delete('/api/users/me', { token: ada.token, body: { password: `${ada.password}x` } }),
      403,
    );
    expect((await a.get('/api/users/me', { token: ada.token })).status).toBe(200);
  });

  it('deletes the account, its messages and likes: its token is 401 on every authenticated route of every replica and the live feed refuses it', async () => {
    expect(documented(), 'DELETE /api/users/me is not documented').toBeDefined();
    const [gone, other] = [await register(a, 'gone'), await register(a, 'stay')];
    const own = await post(a, gone, 'mine #goneaway');
    const others = await post(a, other, 'theirs');
    await a.put(`/api/messages/${others.id}/like`, { token: gone.token });
    await a.put(`/api/messages/${others.id}/like`, { token: other.token });
    await a.put(`/api/messages/${own.id}/like`, { token: other.token });
    expect((await a.get(`/api/messages/${others.id}`)).json.likeCount).toBe(2);
    const connected = await Live.connect(cluster.replicas[1]!.ws, gone.token);
    await connected.next((f) => f.type === 'welcome', 'welcome');
    const watcher = await Live.connect(cluster.replicas[1]!.ws, other.token);
    await watcher.next((f) => f.type === 'welcome', 'welcome');
    await watcher.subscribe('public');

    const reply = await a.delete('/api/users/me', { token: gone.token, body: { password: gone.password } });
    expect(reply.status, reply.text).toBe(204);
    expect(reply.text).toBe('');

    // docs/live-feed.md: its open connections close with 4003, on every replica.
    expect(await connected.closed).toBe(4003);
    // …and each of its messages gets message.deleted, each message it liked message.liked with the lowered count.
    const removed = await watcher.next(
      (f) => f.event === 'message.deleted' && f.data.id === own.id,
      'message.deleted',
    );
    expect(removed.data).toMatchObject({
      id: own.id,
      author: { username: gone.username.toLowerCase() },
      tags: ['goneaway'],
    });
    const unliked = await watcher.next(
      (f) => f.event === 'message.liked' && f.data.id === others.id,
      'message.liked',
    );
    expect(unliked.data.likeCount).toBe(1);
    await watcher.close();
    const failures: string[] = [];
    for (const op of api.operations.filter((o) => o.secured)) {
      const request = validRequest(op, others.id, other.username);
      for (const client of [a, b]) {
        const answer = await client.request(op.method, request.path, {
          token: gone.token,
          body: request.body,
        });
        if (answer.status !== 401)
          failures.push(`${op.method} ${request.path} → ${answer.status} ${answer.text.slice(0, 120)}`);
      }
    }
    expect(failures, 'routes that still took the deleted account token').toEqual([]);
    for (const replica of cluster.replicas) {
      const refused = await Live.open(replica.ws, ['flock.v1', `flock.auth.${gone.token}`]);
      expect(refused, replica.ws).toEqual({ refused: 401 });
    }
    expectError(await b.get(`/api/messages/${own.id}`), 404);
    expectError(await b.get(`/api/users/${gone.username}`), 404);
    expect((await b.get(`/api/messages/${others.id}`)).json.likeCount).toBe(1);
    expect((await b.get(`/api/users/${other.username}`)).json).toMatchObject({
      likesReceived: 1,
      likesGiven: 1,
    });
    expect((await b.get('/api/messages?tag=goneaway')).json.items).toEqual([]);
    expectError(await b.post('/api/auth/login', { login: gone.username, password: gone.password }), 401);
    // The username and email are free to register again, and the old token stays refused.
    const again = await b.post('/api/auth/register', {
      username: gone.username,
      email: gone.email,
      password: 'a new password',
    });
    expect(again.status, again.text).toBe(201);
    expect((await a.get('/api/users/me', { token: gone.token })).status).toBe(401);
    expect((await a.get('/api/users/me', { token: again.json.token })).json.username).toBe(gone.username);
  });
});
