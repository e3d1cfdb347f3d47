// Schema fuzzing: fast-check drives generated requests, well-formed and not, through every route of the
// real app. No 5xx, every error in the one shape with no stack trace, no private field anywhere, and
// every 2xx body valid against the OpenAPI document, which itself is valid. FUZZ_RUNS sets the requests
// per route (200 in `npm test`; `npm run fuzz` runs 10,000).
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
// Generous: an Argon2id hash per valid registration or login dominates.
const TIMEOUT_MS = Math.max(30_000, RUNS * 60);

let t: TestApp;
let user: TestUser;
let messageId: string;
let doc: {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '1000000', POST_RATE_LIMIT_MAX: '1000000' } });
  user = await signUp(t.app);
  messageId = (await post(t.app, user, 'fuzz target #fuzz')).id;
  doc = t.app.swagger() as unknown as typeof doc;
});
afterAll(async () => {
  await t?.close();
});

// ---- generators ----

const anyValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 12 }),
  fc.object({ maxDepth: 2 }),
);
const username = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{3,30}$/), fc.string({ maxLength: 40 }));
const idLike = fc.oneof(
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  fc.constant(null).map(() => messageId),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('-1', '0x10', '1e3', ' 1', '', '%00'),
);
/** An object with some of the expected fields (well-typed or not) and sometimes an unknown one. */
const shaped = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(
    {
      ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fc.oneof(v, anyValue)])),
      extra: anyValue,
    },
    { requiredKeys: [] },
  );
const body = (fields: Record<string, fc.Arbitrary<unknown>>, valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 6, arbitrary: shaped(fields) },
    { weight: 1, arbitrary: anyValue },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((raw) => ({ raw })) },
  );
const auth = fc.oneof(
  fc.constant('valid'),
  fc.constant('none'),
  fc.string({ maxLength: 60 }).map((token) => `Bearer ${token}`),
);
const query = (keys: string[]) =>
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })),
      fc.string({ maxLength: 30 }),
      {
        maxKeys: 4,
      },
    )
    .map((entries) => new URLSearchParams(entries).toString());

interface Case {
  method: InjectOptions['method'];
  route: string;
  url: string;
  auth: string;
  payload?: unknown;
}

const routes: [string, fc.Arbitrary<Case>][] = [
  [
    'POST /api/auth/register',
    fc
      .record({
        auth,
        payload: body(
          {
            username,
            email: fc.oneof(fc.emailAddress(), fc.string()),
            password: fc.string({ maxLength: 300 }),
            bot: fc.boolean(),
          },
          fc.record({
            username: fc.stringMatching(/^[a-z0-9_]{3,30}$/),
            email: fc.stringMatching(/^[a-z0-9]{1,20}@[a-z0-9]{1,20}\.test$/),
            password: fc.string({ minLength: 8, maxLength: 64 }),
            bot: fc.boolean(),
          }),
        ),
      })
      .map((c) => ({ ...c, method: 'POST', route: '/api/auth/register', url: '/api/auth/register' })),
  ],
  [
    'POST /api/auth/login',
    fc
      .record({
        auth,
        payload: body(
          { login: username, password: fc.string({ maxLength: 300 }) },
          fc.constant(null).map(() => ({ login: user.username, password: user.password })),
        ),
      })
      .map((c) => ({
        ...c,
        method: 'POST',
        route: '/api/auth/login',
        url: '/api/auth/login',
      })),
  ],
  [
    'GET /api/users/me',
    auth.map((a) => ({ auth: a, method: 'GET', route: '/api/users/me', url: '/api/users/me' })),
  ],
  [
    'GET /api/users/:username',
    fc.record({ auth, name: username }).map((c) => ({
      auth: c.auth,
      method: 'GET',
      route: '/api/users/{username}',
      url: `/api/users/${encodeURIComponent(c.name)}`,
    })),
  ],
  [
    'POST /api/messages',
    fc
      .record({
        auth,
        payload: body(
          {
            content: fc.string({ maxLength: 520 }),
            tags: fc.array(fc.oneof(fc.stringMatching(/^#?[a-z0-9_]{1,50}$/), fc.string()), {
              maxLength: 12,
            }),
          },
          fc.record({
            content: fc.string({ minLength: 1, maxLength: 500 }),
            tags: fc.array(fc.stringMatching(/^[a-z0-9_]{1,50}$/), { maxLength: 3 }),
          }),
        ),
      })
      .map((c) => ({ ...c, method: 'POST', route: '/api/messages', url: '/api/messages' })),
  ],
  [
    'GET /api/messages',
    fc.record({ auth, q: query(['tag', 'author', 'before', 'after', 'limit']) }).map((c) => ({
      auth: c.auth,
      method: 'GET',
      route: '/api/messages',
      url: `/api/messages?${c.q}`,
    })),
  ],
  ...(['GET', 'DELETE'] as const).map(
    (method) =>
      [
        `${method} /api/messages/:id`,
        fc.record({ auth, id: idLike }).map((c) => ({
          auth: c.auth,
          method,
          route: '/api/messages/{id}',
          url: `/api/messages/${encodeURIComponent(c.id)}`,
        })),
      ] as [string, fc.Arbitrary<Case>],
  ),
  ...(['PUT', 'DELETE'] as const).map(
    (method) =>
      [
        `${method} /api/messages/:id/like`,
        fc.record({ auth, id: idLike }).map((c) => ({
          auth: c.auth,
          method,
          route: '/api/messages/{id}/like',
          url: `/api/messages/${encodeURIComponent(c.id)}/like`,
        })),
      ] as [string, fc.Arbitrary<Case>],
  ),
  [
    'GET /api/tags/trending',
    fc.record({ auth, q: query(['window', 'limit']) }).map((c) => ({
      auth: c.auth,
      method: 'GET',
      route: '/api/tags/trending',
      url: `/api/tags/trending?${c.q}`,
    })),
  ],
];

async function send(c: Case) {
  const headers: Record<string, string> = {};
  if (c.auth === 'valid') headers.authorization = user.auth.authorization;
  else if (c.auth !== 'none') headers.authorization = c.auth;
  const raw =
    c.payload && typeof c.payload === 'object' && 'raw' in c.payload ? String(c.payload.raw) : undefined;
  if (c.payload !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({
    method: c.method,
    url: c.url,
    headers,
    ...(c.payload === undefined ? {} : { payload: raw ?? JSON.stringify(c.payload) }),
  });
}

describe(`schema fuzzing (${RUNS} requests per route)`, () => {
  it('has a valid OpenAPI document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(routes)(
    '%s: no 5xx, one error shape, valid 2xx bodies, no private fields',
    async (_name, cases) => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const response = await send(c);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode, `${c.method} ${c.url} → ${response.body}`).toBeLessThan(500);
          expect(response.body).not.toMatch(/password_?hash|\$argon2|at .+\.ts:\d+/i);
          if (response.statusCode === 204) return;
          const json = response.json();
          if (response.statusCode >= 400) {
            expect(Object.keys(json)).toEqual(['error']);
            expect(typeof json.error.code).toBe('string');
            return;
          }
          const schema =
            doc.paths[c.route]?.[c.method!.toString().toLowerCase()]?.responses[String(response.statusCode)]
              ?.content?.['application/json']?.schema;
          expect(
            schema,
            `no documented schema for ${c.method} ${c.route} ${response.statusCode}`,
          ).toBeDefined();
          const validate = ajv.compile(schema!);
          expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
          if (
            c.route !== '/api/users/me' &&
            c.route !== '/api/auth/register' &&
            c.route !== '/api/auth/login'
          ) {
            expect(response.body).not.toContain(user.email);
          }
        }),
        { numRuns: RUNS },
      );
      // The generators reach past validation, not just into 400s.
      expect(
        [...statuses.keys()].some(
          (status) => status < 400 || status === 404 || status === 403 || status === 409,
        ),
      ).toBe(true);
    },
    TIMEOUT_MS,
  );
});
