// Security properties of the API: headers, CORS, rate limits, password hashing, no cross-user writes,
// no private fields.
import { generateKeyPairSync } from 'node:crypto';
import type { Message } from '@flock/shared';
import fc from 'fast-check';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser, uniqueName } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      AUTH_RATE_LIMIT_MAX: '1000',
      POST_RATE_LIMIT_MAX: '1000',
      CORS_ORIGINS: 'https://flock.example',
      // inject's peer: lets a test speak as the TLS-terminating proxy in front.
      TRUSTED_PROXIES: '127.0.0.1',
    },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('headers', () => {
  it('sends helmet headers and a strict CSP on every response, errors included', async () => {
    for (const url of ['/healthz', '/api/messages', '/api/nothing']) {
      const { headers } = await t.app.inject({ method: 'GET', url });
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      const csp = String(headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(headers['x-powered-by']).toBeUndefined();
    }
  });

  it('sends HSTS and upgrade-insecure-requests only to requests that came over https', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(String(plain.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    // Through a TLS-terminating proxy, which says so in X-Forwarded-Proto.
    const secure = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(secure.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(String(secure.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    expect(String(secure.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('allows CORS only for the configured origins', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/messages',
      headers: { origin: 'https://flock.example', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://flock.example');
    const foreign = await t.app.inject({
      method: 'GET',
      url: '/api/messages',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('passwords', () => {
  it('stores Argon2id hashes with the OWASP parameters (19 MiB, t=2, p=1)', async () => {
    const user = await signUp(t.app);
    const [row] = await t.orm.em
      .fork()
      .execute<{ password_hash: string }[]>('select password_hash from users where username = ?', [
        user.username,
      ]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});

describe('tokens', () => {
  it('refuses an RS256 token and an HS256 token keyed with a public key (algorithm confusion)', async () => {
    const user = await signUp(t.app);
    const sub = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()).sub;
    const claims = { sub, username: user.username, bot: false };
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = createSigner({
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      algorithm: 'RS256',
      iss: 'flock',
      aud: 'flock-api',
      expiresIn: 60_000,
    })(claims);
    const confused = createSigner({
      key: publicKey.export({ type: 'spki', format: 'pem' }),
      algorithm: 'HS256',
      iss: 'flock',
      aud: 'flock-api',
      expiresIn: 60_000,
    })(claims);
    for (const token of [rs256, confused]) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/users/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(401);
    }
  });
});

describe('rate limits', () => {
  it('counts an account once, whichever name it is given by: username or email, in any case', async () => {
    // Each guess from another address (behind a trusted proxy), so only the account's own limit applies.
    const limited = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '4', TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const victim = await signUp(limited.app);
      const names = [
        victim.username,
        `${victim.username}@example.test`,
        victim.username.toUpperCase(),
        `${victim.username}@EXAMPLE.test`,
        victim.username,
        `${victim.username}@example.test`,
      ];
      const statuses = [];
      for (const [i, login] of names.entries()) {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
          payload: { login, password: `guess ${i}` },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('answers 429 with Retry-After to a login flood on one account from many addresses, leaving other accounts alone', async () => {
    const limited = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '5', TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const victim = await signUp(limited.app);
      const other = await signUp(limited.app);
      const attempts = [];
      for (let i = 0; i < 7; i++) {
        attempts.push(
          await limited.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
            payload: { login: victim.username, password: `guess ${i}` },
          }),
        );
      }
      expect(attempts.map((a) => a.statusCode)).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect(Number(attempts[6]!.headers['retry-after'])).toBeGreaterThan(0);
      expect(attempts[6]!.json().error.code).toBe('RATE_LIMITED');
      const stillFine = await limited.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-for': '203.0.113.1' },
        payload: { login: other.username, password: other.password },
      });
      expect(stillFine.statusCode).toBe(200);

      const registrations = [];
      for (let i = 0; i < 5; i++) {
        const username = uniqueName();
        registrations.push(
          await limited.app.inject({
            method: 'POST',
            url: '/api/auth/register',
            payload: { username, email: `${username}@example.test`, password: 'long enough password' },
          }),
        );
      }
      // Two registrations happened above; the limit is five a minute per address.
      expect(registrations.map((r) => r.statusCode)).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('answers 429 to one address logging in to many accounts, leaving other addresses alone', async () => {
    const limited = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '3', TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const accounts: { username: string; password: string }[] = [];
      for (let i = 0; i < 5; i++) {
        const username = uniqueName();
        const password = 'long enough password';
        const registered = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/register',
          // Sign-ups from addresses of their own: their limit is not the one under test.
          headers: { 'x-forwarded-for': `198.51.100.${i + 10}` },
          payload: { username, email: `${username}@example.test`, password },
        });
        expect(registered.statusCode).toBe(201);
        accounts.push({ username, password });
      }
      const login = (user: { username: string; password: string }, address: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'x-forwarded-for': address },
          payload: { login: user.username, password: user.password },
        });
      const statuses = [];
      for (const user of accounts) statuses.push((await login(user, '192.0.2.7')).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect((await login(accounts[4]!, '192.0.2.8')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('reads the client address from X-Forwarded-For only from a trusted proxy', async () => {
    // Straight to a replica (no TRUSTED_PROXIES): each guess claims another address, and all are counted
    // as the one they came from.
    const direct = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '5' } });
    // Behind a proxy at 127.0.0.1 (inject's peer): the address it forwards is the client's.
    const proxied = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '5', TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const registerFrom = (app: TestApp['app'], address: string) => {
        const username = uniqueName();
        return app.inject({
          method: 'POST',
          url: '/api/auth/register',
          headers: { 'x-forwarded-for': address },
          payload: { username, email: `${username}@example.test`, password: 'long enough password' },
        });
      };
      const spoofed = [];
      for (let i = 0; i < 8; i++)
        spoofed.push((await registerFrom(direct.app, `198.51.100.${i}`)).statusCode);
      expect(spoofed).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
      const forwarded = [];
      for (let i = 0; i < 8; i++)
        forwarded.push((await registerFrom(proxied.app, `198.51.100.${i}`)).statusCode);
      expect(forwarded).toEqual([201, 201, 201, 201, 201, 201, 201, 201]);
      // A chain through the trusted proxy: the client is the rightmost address that is not a trusted proxy
      // (192.0.2.7 every time here), whatever the client wrote before it.
      const chain = [];
      for (let i = 0; i < 6; i++)
        chain.push((await registerFrom(proxied.app, `203.0.113.${i}, 192.0.2.7`)).statusCode);
      expect(chain).toEqual([201, 201, 201, 201, 201, 429]);
    } finally {
      await Promise.all([direct.close(), proxied.close()]);
    }
  });

  it('limits posting per user with 429 and Retry-After', async () => {
    const limited = await createTestApp({ env: { POST_RATE_LIMIT_MAX: '3' } });
    try {
      const poster = await signUp(limited.app);
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/api/messages',
          headers: poster.auth,
          payload: { content: `post ${i}` },
        });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      const other = await signUp(limited.app);
      expect((await post(limited.app, other, 'someone else may still post')).content).toBe(
        'someone else may still post',
      );
    } finally {
      await limited.close();
    }
  });
});

describe('no cross-user writes', () => {
  it('never lets a user delete or change what belongs to another (property-based)', async () => {
    const users: TestUser[] = await Promise.all(Array.from({ length: 4 }, () => signUp(t.app)));
    const messages: { message: Message; owner: number }[] = [];
    for (const [owner, user] of users.entries()) {
      for (let i = 0; i < 3; i++)
        messages.push({ message: await post(t.app, user, `owned by ${owner} #${i}`), owner });
    }
    const likesBy = async (userIndex: number, messageId: string) => {
      const [row] = await t.orm.em
        .fork()
        .execute<{ n: string }[]>(
          'select count(*) as n from likes l join users u on u.id = l.user_id where u.username = ? and l.message_id = ?',
          [users[userIndex]!.username, messageId],
        );
      return Number(row!.n);
    };

    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: users.length - 1 }),
        fc.nat({ max: messages.length - 1 }),
        fc.constantFrom('DELETE message', 'PUT like', 'DELETE like'),
        async (actorIndex, messageIndex, action) => {
          const { message, owner } = messages[messageIndex]!;
          // An owner deleting their own message is allowed and takes its likes along: not this property.
          fc.pre(!(action === 'DELETE message' && actorIndex === owner));
          const actor = users[actorIndex]!;
          const othersLikes = await Promise.all(
            users.map((_, i) => (i === actorIndex ? Promise.resolve(-1) : likesBy(i, message.id))),
          );
          const [method, url] =
            action === 'DELETE message'
              ? (['DELETE', `/api/messages/${message.id}`] as const)
              : ([action.split(' ')[0] as 'PUT' | 'DELETE', `/api/messages/${message.id}/like`] as const);
          const response = await t.app.inject({ method, url, headers: actor.auth });
          if (action === 'DELETE message' && actorIndex !== owner) {
            expect(response.statusCode).toBe(403);
            const still = await t.app.inject({ method: 'GET', url: `/api/messages/${message.id}` });
            expect(still.statusCode).toBe(200);
          }
          // Whatever the actor did, nobody else's likes changed.
          const after = await Promise.all(
            users.map((_, i) => (i === actorIndex ? Promise.resolve(-1) : likesBy(i, message.id))),
          );
          expect(after).toEqual(othersLikes);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never lets a user edit another's profile or change another's follows (property-based)", async () => {
    const users: TestUser[] = await Promise.all(Array.from({ length: 4 }, () => signUp(t.app)));
    const stateOf = async () =>
      t.orm.em
        .fork()
        .execute<{ username: string; display_name: string | null; bio: string; follows: string }[]>(
          `select u.username, u.display_name, u.bio,
                  (select coalesce(string_agg(b.username || ':' || coalesce(f.unfollowed_event_id::text, '-'), ',' order by f.id), '')
                     from follows f join users b on b.id = f.followee_id where f.follower_id = u.id) as follows
             from users u where u.username in (?, ?, ?, ?) order by u.username`,
          users.map((user) => user.username),
        );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: users.length - 1 }),
        fc.nat({ max: users.length - 1 }),
        fc.constantFrom('PATCH profile', 'PUT follow', 'DELETE follow'),
        fc.string({ minLength: 1, maxLength: 20 }).filter((text) => /\p{L}/u.test(text)),
        async (actorIndex, targetIndex, action, text) => {
          const actor = users[actorIndex]!;
          const target = users[targetIndex]!;
          const before = await stateOf();
          const response = await t.app.inject(
            action === 'PATCH profile'
              ? {
                  method: 'PATCH',
                  url: `/api/users/${target.username}`,
                  headers: actor.auth,
                  payload: { displayName: text, bio: text },
                }
              : {
                  method: action.split(' ')[0] as 'PUT' | 'DELETE',
                  url: `/api/users/${target.username}/follow`,
                  headers: actor.auth,
                },
          );
          if (action === 'PATCH profile' && actorIndex !== targetIndex) expect(response.statusCode).toBe(403);
          // Whatever the actor did, every other account's profile and follows are as they were.
          const others = (rows: Awaited<ReturnType<typeof stateOf>>) =>
            rows.filter((row) => row.username !== actor.username);
          expect(others(await stateOf())).toEqual(others(before));
        },
      ),
      { numRuns: 150 },
    );
  });
});
