// Schema fuzzing: fast-check draws requests for every operation of the served OpenAPI document (so a new
// route is fuzzed without being listed) from its documented parameters and body: valid values, type
// confusion, odd text, odd number notation, duplicated query keys, and tokens of every kind. No 5xx, only
// documented statuses, every error in the one shape, every 2xx body valid against its documented schema,
// a refused token always 401, nothing private. FUZZ_RUNS sets the requests per operation (200 in
// `npm test`; `npm run fuzz` runs 10,000).
import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkResponse } from './fuzz/checks.ts';
import { Fixtures } from './fuzz/fixtures.ts';
import { type OpenApiDocument, operationsOf } from './fuzz/operations.ts';
import { requestsFor } from './fuzz/requests.ts';
import { createTestApp } from './helpers/app.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
// Generous: an Argon2id hash per valid registration, login or account deletion dominates.
const TIMEOUT_MS = Math.max(30_000, RUNS * 60);

// Built before the tests are collected: the document decides which tests there are.
const t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '1000000', POST_RATE_LIMIT_MAX: '1000000' } });
const doc = t.app.swagger() as unknown as OpenApiDocument;
const operations = operationsOf(doc);
const fixtures = await Fixtures.create(t);

afterAll(async () => {
  await t.close();
});

describe(`schema fuzzing (${RUNS} requests per operation)`, () => {
  it('has a valid OpenAPI document listing the API', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(operations.map((operation) => operation.name)).toEqual(
      expect.arrayContaining(['POST /api/auth/register', 'GET /api/messages', 'GET /api/tags/trending']),
    );
  });

  it.each(operations.map((operation) => [operation.name, operation] as const))(
    '%s: documented statuses, no 5xx, one error shape, valid 2xx bodies, refused tokens 401, nothing private',
    async (_name, operation) => {
      const statuses = new Map<number, number>();
      const cases = fc.record({ request: requestsFor(operation, fixtures.known), auth: fixtures.auth });
      await fc.assert(
        fc.asyncProperty(cases, async ({ request, auth }) => {
          const response = await t.app.inject({
            method: request.method as 'GET',
            url: request.url,
            headers:
              auth.header === undefined
                ? request.headers
                : { ...request.headers, authorization: auth.header },
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          });
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          // A request that deleted our user or message must not leave the rest of the run at 401 or 404.
          if (operation.method === 'DELETE' && response.statusCode < 300) await fixtures.heal();
          checkResponse({
            operation,
            request,
            auth,
            status: response.statusCode,
            body: response.body,
            emails: fixtures.emails,
          });
        }),
        { numRuns: RUNS },
      );
      // The generators reach past validation, not just into 400s.
      expect(
        [...statuses.keys()].some((status) => status < 400 || [403, 404, 409].includes(status)),
        JSON.stringify(Object.fromEntries(statuses)),
      ).toBe(true);
    },
    TIMEOUT_MS,
  );
});
