// Rate limits (README "Configuration": AUTH_RATE_LIMIT_MAX, POST_RATE_LIMIT_MAX, TRUSTED_PROXIES;
// docs/security.md, Rate limits and Client addresses behind proxies), on replicas with low limits.
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from './support/cluster.ts';
import { Client, expectError, type Reply } from './support/http.ts';
import { Api } from './support/openapi.ts';
import { type Account, register, uniqueName } from './support/users.ts';

const LIMIT = 3;
const low = { AUTH_RATE_LIMIT_MAX: String(LIMIT), POST_RATE_LIMIT_MAX: String(LIMIT) };
const cluster = await startCluster([
  {},
  { ...low, TRUSTED_PROXIES: '' },
  { ...low, TRUSTED_PROXIES: '127.0.0.1' },
  { ...low, TRUSTED_PROXIES: '' },
]);
afterAll(() => cluster.stop());
const api = await Api.load(cluster.replicas[0]!.base);
const [relaxed, direct, proxied, logins] = cluster.replicas.map((r) => new Client(r.base, api)) as [
  Client,
  Client,
  Client,
  Client,
];

const signUp = (client: Client, forwardedFor?: string) => {
  const username = uniqueName('rl');
  return client.post(
    '/api/auth/register',
    { username, email: `${username}@example.test`, password: 'long enough' },
    { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} },
  );
};
const logIn = (client: Client, login: string, password: string, forwardedFor: string) =>
  client.post('/api/auth/login', { login, password }, { headers: { 'x-forwarded-for': forwardedFor } });

function expectLimited(reply: Reply, what: string): void {
  expectError(reply, 429, what);
  expect(Number(reply.headers.get('retry-after')), `${what}: Retry-After`).toBeGreaterThan(0);
  const op = api.match('POST', what.startsWith('post') ? '/api/messages' : '/api/auth/register');
  expect(op?.statuses).toContain(429);
}

describe('per address, TRUSTED_PROXIES unset: X-Forwarded-For is ignored', () => {
  it(`admits ${LIMIT} sign-ups per minute from one socket address, however X-Forwarded-For varies`, async () => {
    for (let i = 1; i <= LIMIT; i++) expect((await signUp(direct, `10.0.0.${i}`)).status).toBe(201);
    expectLimited(await signUp(direct, '10.0.0.99'), 'sign-up with a new X-Forwarded-For');
    expectLimited(await signUp(direct), 'sign-up without X-Forwarded-For');
  });

  it(`admits ${LIMIT} logins per minute from one address across accounts, however X-Forwarded-For varies`, async () => {
    const accounts: Account[] = [];
    for (let i = 0; i <= LIMIT; i++) accounts.push(await register(relaxed, 'la'));
    for (let i = 0; i < LIMIT; i++)
      expect((await logIn(logins, accounts[i]!.username, accounts[i]!.password, `10.9.0.${i}`)).status).toBe(
        200,
      );
    const over = await logIn(logins, accounts[LIMIT]!.username, accounts[LIMIT]!.password, '10.9.0.99');
    expectError(over, 429, 'login');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('per address, TRUSTED_PROXIES=127.0.0.1: the rightmost untrusted X-Forwarded-For address counts', () => {
  it('gives each forwarded address its own limit, and a spoofed left part does not buy a new one', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await signUp(proxied, '10.2.0.1')).status).toBe(201);
    expectLimited(await signUp(proxied, '10.2.0.1'), 'sign-up from 10.2.0.1 again');
    expect((await signUp(proxied, '10.2.0.2')).status).toBe(201);
    // The rightmost address that is not a trusted proxy: the client's, whatever it put before it.
    expectLimited(await signUp(proxied, '6.6.6.6, 10.2.0.1'), 'sign-up with a spoofed left part');
    expectLimited(await signUp(proxied, '10.2.0.1, 127.0.0.1'), 'sign-up through a second trusted hop');
    expect((await signUp(proxied, '10.2.0.3, 127.0.0.1')).status).toBe(201);
  });
});

describe('per account: one count whichever name it is tried by', () => {
  it(`counts logins to one account from one address once, by username, email or any case: the ${LIMIT + 1}th is 429`, async () => {
    const ada = await register(relaxed, 'one');
    const names = [ada.username, ada.email.toUpperCase(), ada.username.toUpperCase()];
    for (const login of names)
      expect((await logIn(proxied, login, ada.password, '10.4.0.1')).status, login).toBe(200);
    expectError(
      await logIn(proxied, ada.email, `${ada.password}x`, '10.4.0.1'),
      429,
      'a fourth try, by email, wrong password',
    );
  });

  it(`limits logins to one account to ${LIMIT} per minute by username, email or any case, from any address, leaving other accounts alone`, async () => {
    const [ada, bob] = [await register(relaxed, 'acc'), await register(relaxed, 'acc')];
    const names = [ada.username, ada.email.toUpperCase(), ada.username.toUpperCase()];
    for (const [i, login] of names.entries())
      expect((await logIn(proxied, login, ada.password, `10.3.0.${i + 1}`)).status, login).toBe(200);
    const over = await logIn(proxied, ada.email, ada.password, '10.3.0.50');
    expectError(over, 429, 'a fourth login to the same account');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await logIn(proxied, bob.username, bob.password, '10.3.0.51')).status).toBe(200);
  });
});

describe('posts per user (POST_RATE_LIMIT_MAX)', () => {
  it(`admits ${LIMIT} posts per minute per user, not per address`, async () => {
    const [ada, bob] = [await register(relaxed, 'pp'), await register(relaxed, 'pp')];
    for (let i = 0; i < LIMIT; i++)
      expect(
        (await direct.post('/api/messages', { content: `post ${i}` }, { token: ada.token })).status,
      ).toBe(201);
    expectLimited(
      await direct.post('/api/messages', { content: 'one too many' }, { token: ada.token }),
      'post over the limit',
    );
    expect(
      (await direct.post('/api/messages', { content: 'bob is fine' }, { token: bob.token })).status,
    ).toBe(201);
  });
});
