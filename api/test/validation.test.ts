// Every bad input gets a 4xx in the one error shape, naming the problem, and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser, uniqueName } from './helpers/users.ts';

let t: TestApp;
let user: TestUser;
let messageId: string;

beforeAll(async () => {
  t = await createTestApp({ env: { BODY_LIMIT_BYTES: '4096' } });
  user = await signUp(t.app);
  messageId = (await post(t.app, user, 'the one message')).id;
});
afterAll(async () => {
  await t?.close();
});

const counts = async () => {
  const [row] = await t.orm.em
    .fork()
    .execute<{ users: string; messages: string; tags: string; likes: string }[]>(
      `select (select count(*) from users) as users, (select count(*) from messages) as messages,
            (select count(*) from tags) as tags, (select count(*) from likes) as likes`,
    );
  return row;
};

interface BadRequest {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: unknown;
  raw?: string;
  auth?: boolean;
  status: number;
  field?: string;
}

const registration = (overrides: Record<string, unknown>) => ({
  username: uniqueName(),
  email: `${uniqueName()}@example.test`,
  password: 'long enough password',
  ...overrides,
});

const cases: BadRequest[] = [
  {
    name: 'missing content',
    method: 'POST',
    url: '/api/messages',
    payload: {},
    auth: true,
    status: 400,
    field: 'content',
  },
  {
    name: 'empty content',
    method: 'POST',
    url: '/api/messages',
    payload: { content: '' },
    auth: true,
    status: 400,
    field: 'content',
  },
  {
    name: '501-character content',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'x'.repeat(501) },
    auth: true,
    status: 400,
    field: 'content',
  },
  // A JSON body has types of its own: the wrong one is refused, never converted.
  ...(
    [
      ['a number for content', { content: 123 }, 'content'],
      ['true for content', { content: true }, 'content'],
      ['an array for content', { content: ['hi'] }, 'content'],
      ['a string for tags', { content: 'x', tags: 'solo' }, 'tags'],
      ['a number among tags', { content: 'x', tags: [5] }, 'tags.0'],
    ] as const
  ).map(([name, payload, field]) => ({
    name,
    method: 'POST' as const,
    url: '/api/messages',
    payload,
    auth: true,
    status: 400,
    field,
  })),
  {
    name: 'a number for the password',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ password: 12345678 }),
    status: 400,
    field: 'password',
  },
  {
    name: 'the string "true" for bot',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ bot: 'true' }),
    status: 400,
    field: 'bot',
  },
  // Text that reads as nothing is refused like empty text.
  ...(
    [
      ['content of spaces, tabs and line breaks', ' \t\n \r\n '],
      ['content of no-break and ideographic spaces', '\u00a0\u3000\u2003'],
      ['content of zero-width characters', '\u200b\u200c\u200d\u2060\ufeff'],
      ['content of a bidi override and a Hangul filler', '\u202e\u3164'],
      ['content of control characters', '\u0001\u0007\u001b\u007f\u0085'],
      ['content with a bell inside', 'ring \u0007 ring'],
      // No UTF-8 form: it was stored as U+FFFD, and read back as other text than was sent.
      ['content with an unpaired surrogate', 'half an emoji \ud83d'],
    ] as const
  ).map(([name, content]) => ({
    name,
    method: 'POST' as const,
    url: '/api/messages',
    payload: { content },
    auth: true,
    status: 400,
    field: 'content',
  })),
  {
    name: '11 explicit tags',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'tags', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
    auth: true,
    status: 400,
    field: 'tags',
  },
  {
    name: '11 tags once hashtags are merged',
    method: 'POST',
    url: '/api/messages',
    payload: { content: '#a #b #c #d #e #f', tags: ['g', 'h', 'i', 'j', 'k'] },
    auth: true,
    status: 400,
    field: 'tags',
  },
  {
    name: 'bad tag characters',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'x', tags: ['no spaces'] },
    auth: true,
    status: 400,
    field: 'tags.0',
  },
  {
    name: 'unknown body field',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'x', admin: true },
    auth: true,
    status: 400,
    field: 'admin',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/api/messages',
    raw: '{"content": "x"',
    auth: true,
    status: 400,
  },
  {
    name: 'oversized body',
    method: 'POST',
    url: '/api/messages',
    raw: JSON.stringify({ content: 'x'.repeat(5000) }),
    auth: true,
    status: 413,
  },
  {
    name: 'bad username',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ username: 'no spaces!' }),
    status: 400,
    field: 'username',
  },
  {
    name: 'short username',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ username: 'ab' }),
    status: 400,
    field: 'username',
  },
  {
    name: 'short password',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ password: 'short' }),
    status: 400,
    field: 'password',
  },
  {
    name: 'bad email',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ email: 'not-an-email' }),
    status: 400,
    field: 'email',
  },
  {
    name: 'unknown registration field',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ admin: true }),
    status: 400,
    field: 'admin',
  },
  {
    name: 'bot not a boolean',
    method: 'POST',
    url: '/api/auth/register',
    payload: registration({ bot: 'yes please' }),
    status: 400,
    field: 'bot',
  },
  { name: 'limit=0', method: 'GET', url: '/api/messages?limit=0', status: 400, field: 'limit' },
  { name: 'limit=1000', method: 'GET', url: '/api/messages?limit=1000', status: 400, field: 'limit' },
  { name: 'non-numeric limit', method: 'GET', url: '/api/messages?limit=ten', status: 400, field: 'limit' },
  {
    name: 'non-numeric before',
    method: 'GET',
    url: '/api/messages?before=abc',
    status: 400,
    field: 'before',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    url: '/api/messages?sort=asc',
    status: 400,
    field: 'sort',
  },
  { name: 'non-numeric id', method: 'GET', url: '/api/messages/abc', status: 400, field: 'id' },
  {
    name: 'id beyond bigint',
    method: 'GET',
    url: '/api/messages/99999999999999999999',
    status: 400,
    field: 'id',
  },
  {
    name: 'non-numeric id to like',
    method: 'PUT',
    url: '/api/messages/1e5/like',
    auth: true,
    status: 400,
    field: 'id',
  },
  {
    name: 'non-numeric id to delete',
    method: 'DELETE',
    url: '/api/messages/-1',
    auth: true,
    status: 400,
    field: 'id',
  },
  // A NUL cannot be stored in text; it is the client's mistake, never an outage (it used to be a 503).
  {
    name: 'NUL in a login',
    method: 'POST',
    url: '/api/auth/login',
    payload: { login: 'ada\u0000', password: 'correct horse battery' },
    status: 400,
    field: 'login',
  },
  {
    name: 'NUL in a message',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'hello\u0000world' },
    auth: true,
    status: 400,
    field: 'content',
  },
  {
    name: 'NUL in a tag of a message',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'hello', tags: ['ok', 'b\u0000d'] },
    auth: true,
    status: 400,
    field: 'tags.1',
  },
  {
    name: 'NUL in a query parameter',
    method: 'GET',
    url: '/api/messages?tag=a%00b',
    status: 400,
    field: 'tag',
  },
  {
    name: 'bad trending window',
    method: 'GET',
    url: '/api/tags/trending?window=forever',
    status: 400,
    field: 'window',
  },
  {
    name: 'post without a token',
    method: 'POST',
    url: '/api/messages',
    payload: { content: 'x' },
    status: 401,
  },
  { name: 'unknown route', method: 'GET', url: '/api/nothing-here', status: 404 },
  // 310 digits read as Infinity, which the validator's range check let through to the SQL (a 500).
  ...['9'.repeat(310), `-${'9'.repeat(310)}`, '9007199254740993'].map((limit) => ({
    name: `limit of ${limit.length} characters (beyond any integer a double holds)`,
    method: 'GET' as const,
    url: `/api/messages?limit=${limit}`,
    status: 400,
    field: 'limit',
  })),
  {
    name: 'trending limit of 310 digits',
    method: 'GET',
    url: `/api/tags/trending?limit=${'9'.repeat(310)}`,
    status: 400,
    field: 'limit',
  },
  ...['1e1', '0x10', '%2010', '10.0', '+10'].map((limit) => ({
    name: `limit=${limit} (not a plain decimal integer)`,
    method: 'GET' as const,
    url: `/api/messages?limit=${limit}`,
    status: 400,
    field: 'limit',
  })),
];

describe('the framework’s own answers, in the one error shape', () => {
  it('a known path with a method it does not serve → 405 with Allow', async () => {
    for (const [method, url, allow] of [
      ['DELETE', '/api/messages', 'GET, HEAD, POST'],
      ['PATCH', '/api/auth/login', 'POST'],
      ['POST', `/api/messages/${messageId}`, 'DELETE, GET, HEAD'],
      // `me` is no username (three characters at least): the profile routes do not serve it, signed in or not.
      ['PATCH', '/api/users/me', 'DELETE, GET, HEAD'],
      ['PUT', '/api/users/me', 'DELETE, GET, HEAD'],
    ] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.json().error).toEqual({
        code: 'METHOD_NOT_ALLOWED',
        message: `${method} is not allowed on ${url}: use ${allow}`,
      });
    }
  });

  it('a parameter its pattern refuses, on a path no other route serves, stays a 400 naming it', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/api/users/ab',
      headers: user.auth,
      payload: { bio: 'hi' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'username' })]);
  });

  it('an unknown path stays 404, whatever the method', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
  });

  it('a body that is not JSON → 415, naming the media type', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'login=me',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toEqual({
      code: 'INVALID_MEDIA_TYPE',
      message: 'Unsupported media type "text/plain": send application/json',
    });
  });
});

describe('bad input', () => {
  it.each(cases)('$name → $status in the one error shape, storing nothing', async (c) => {
    const before = await counts();
    const response = await t.app.inject({
      method: c.method,
      url: c.url,
      headers: {
        ...(c.auth ? user.auth : {}),
        ...(c.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(c.raw !== undefined
        ? { payload: c.raw }
        : c.payload !== undefined
          ? { payload: c.payload as object }
          : {}),
    });
    expect(response.statusCode).toBe(c.status);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toMatch(/^[A-Z_]+$/);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(response.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    if (c.field) {
      expect(body.error.details.map((d: { field: string }) => d.field)).toContain(c.field);
      expect(body.error.message).toContain(c.field);
    }
    expect(await counts()).toEqual(before);
  });

  it('still has its one message afterwards', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/messages/${messageId}` });
    expect(response.json().content).toBe('the one message');
  });
});

describe('what a refused field is told, in words for a form', () => {
  it.each([
    ['a password too long', { password: 'x'.repeat(257) }, 'password', 'must be at most 256 characters'],
    ['a password too short', { password: 'short' }, 'password', 'must be at least 8 characters'],
    ['an email that is not one', { email: 'not-an-email' }, 'email', 'must be an email address'],
    [
      'a username with a space',
      { username: 'two words' },
      'username',
      'may use only letters, digits and _, 3 to 30 characters',
    ],
    ['a username of the wrong type', { username: 42 }, 'username', 'must be text'],
    ['a field left out', { email: undefined }, 'email', 'is required'],
    ['a field the route does not take', { admin: true }, 'admin', 'is not an allowed field'],
  ])('%s', async (_name, overrides, field, message) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: registration(overrides),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([{ field, message }]);
    expect(response.json().error.message).toBe(`${field} ${message}`);
  });
});

describe('text that reads', () => {
  it.each([
    ['an emoji with a zero-width joiner', '👩\u200d💻'],
    ['CJK', '你好，世界'],
    ['a combining mark', 'e\u0301'],
    ['lines and tabs around words', '\tfirst line\nsecond line\r\n'],
    ['right-to-left text', 'שלום'],
  ])('%s is a message', async (_name, content) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: user.auth,
      payload: { content },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().content).toBe(content);
  });
});

describe('bodies too large or not JSON, as documented', () => {
  it('every operation a body can be sent to documents 413 and 415', () => {
    const doc = t.app.swagger() as unknown as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => [`${method} ${path}`, Object.keys(operation.responses)] as const),
    );
    expect(documented.map(([name]) => name)).toContain('delete /api/users/me');
    for (const [name, statuses] of documented)
      expect(statuses, name).toEqual(expect.arrayContaining(['413', '415']));
  });

  it('a body over the limit on DELETE /api/users/me → 413 in the one error shape', async () => {
    const response = await t.app.inject({
      method: 'DELETE',
      url: '/api/users/me',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ password: 'x'.repeat(5000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: 'Request body is too large' },
    });
  });
});

describe('a NUL where the route reads nothing', () => {
  it('in a query string GET /api/users/me does not read → 200, as any unread parameter', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/users/me?%00=a%00b',
      headers: user.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().username).toBe(user.username);
  });
});

// Thousands of nested arrays fit the default body limit; walking them recursively overflowed the call
// stack and answered 500.
describe('deeply nested bodies, at the default body limit', () => {
  let wide: TestApp;
  let author: TestUser;
  beforeAll(async () => {
    wide = await createTestApp();
    author = await signUp(wide.app);
  });
  afterAll(async () => {
    await wide?.close();
  });

  it('8,000 nested arrays → 400, the body is not an object', async () => {
    const response = await wide.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: `${'['.repeat(8000)}${']'.repeat(8000)}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([{ field: 'body', message: 'must be an object' }]);
  });

  it('a NUL 5,000 arrays deep → 400, naming where', async () => {
    const response = await wide.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: { ...author.auth, 'content-type': 'application/json' },
      payload: `{"content":"x","tags":${'['.repeat(5000)}"\\u0000"${']'.repeat(5000)}}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { field: `tags${'.0'.repeat(5000)}`, message: 'must not contain a NUL character' },
    ]);
  });
});
