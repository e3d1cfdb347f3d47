// The REST client without a server: a stub fetch records each request and answers it. Loaders pass
// their AbortSignal through; an aborted call rejects as an abort, never as a network ApiError.
import { afterEach, expect, test, vi } from 'vitest';
import { ApiClient, ApiError } from '../../src/api.ts';

const requests: { url: string; init: RequestInit }[] = [];

function answer(respond: (init: RequestInit) => Promise<Response>) {
  vi.stubGlobal('fetch', (url: URL, init: RequestInit) => {
    requests.push({ url: url.toString(), init });
    return respond(init);
  });
}

const json = (status: number, body: unknown) =>
  Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );

const client = (token?: string, onUnauthorized = () => {}) =>
  new ApiClient({ token: () => token, onUnauthorized, baseUrl: 'http://flock.test' });

afterEach(() => {
  vi.unstubAllGlobals();
  requests.length = 0;
});

test('reads pass the signal to fetch, with the query and the token', async () => {
  answer(() => json(200, { items: [], next: null, newer: null }));
  const signal = new AbortController().signal;
  await expect(client('t0k').feed({ tag: 'lit', limit: 20 }, signal)).resolves.toEqual({
    items: [],
    next: null,
    newer: null,
  });
  await client('t0k')
    .profile('ada', signal)
    .catch(() => {});
  await client('t0k')
    .trending({ window: '24h' }, signal)
    .catch(() => {});
  expect(requests.map(({ url }) => url)).toEqual([
    'http://flock.test/api/messages?tag=lit&limit=20',
    'http://flock.test/api/users/ada',
    'http://flock.test/api/tags/trending?window=24h',
  ]);
  expect(requests.every(({ init }) => init.signal === signal)).toBe(true);
  expect(requests[0]!.init.headers).toMatchObject({ authorization: 'Bearer t0k' });
});

test('an aborted read rejects as the abort, not as "Flock cannot be reached"', async () => {
  answer(
    (init) =>
      new Promise((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      }),
  );
  const controller = new AbortController();
  const read = client().feed({}, controller.signal);
  controller.abort();
  const error = await read.catch((caught: unknown) => caught);
  expect(error).not.toBeInstanceOf(ApiError);
  expect((error as Error).name).toBe('AbortError');
});

test('errors are ApiErrors with the status, code and details; a rejected token is reported', async () => {
  let rejected = 0;
  answer(() =>
    json(401, { error: { code: 'UNAUTHORIZED', message: 'The token is not valid', details: [] } }),
  );
  const error = await client('old', () => rejected++)
    .me()
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'The token is not valid' });
  expect(rejected).toBe(1);

  answer(() => Promise.reject(new TypeError('fetch failed')));
  await expect(client().feed({})).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
});

test('a 429 carries the Retry-After seconds the API gave; other answers carry none', async () => {
  answer(() =>
    Promise.resolve(
      new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many requests' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '42' },
      }),
    ),
  );
  await expect(client().login({ login: 'ada', password: 'x' })).rejects.toMatchObject({
    status: 429,
    retryAfterSeconds: 42,
  });
  answer(() => json(400, { error: { code: 'VALIDATION_FAILED', message: 'password is required' } }));
  await expect(client().login({ login: 'ada', password: '' })).rejects.toMatchObject({
    status: 400,
    retryAfterSeconds: undefined,
  });
});

test('the timelines, threads, follows, lists and profile edits: their methods, paths and queries', async () => {
  answer(() => json(200, {}));
  const api = client('t0k');
  const signal = new AbortController().signal;
  await api.home({ before: '41', limit: 20 }, signal);
  await api.thread('42', { after: '43', limit: 20 }, signal);
  await api.accounts('ada', 'followers', { before: '7' }, signal);
  await api.accounts('ada', 'following', {}, signal);
  await api.follow('grace', true);
  await api.follow('grace', false);
  await api.updateProfile('ada', { displayName: null, bio: 'hi' });
  await api.post({ content: 'yes', inReplyTo: '42' });
  expect(requests.map(({ url, init }) => `${init.method} ${url}`)).toEqual([
    'GET http://flock.test/api/timelines/home?before=41&limit=20',
    'GET http://flock.test/api/messages/42/thread?after=43&limit=20',
    'GET http://flock.test/api/users/ada/followers?before=7',
    'GET http://flock.test/api/users/ada/following',
    'PUT http://flock.test/api/users/grace/follow',
    'DELETE http://flock.test/api/users/grace/follow',
    'PATCH http://flock.test/api/users/ada',
    'POST http://flock.test/api/messages',
  ]);
  expect(JSON.parse(String(requests[6]!.init.body))).toEqual({ displayName: null, bio: 'hi' });
  expect(JSON.parse(String(requests[7]!.init.body))).toEqual({ content: 'yes', inReplyTo: '42' });
});
