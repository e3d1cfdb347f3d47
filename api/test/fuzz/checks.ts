// What every fuzzed response must satisfy, whatever the request: a documented status, never a 5xx, the one
// error shape, a 2xx body valid against its documented schema with no undocumented field, and nothing private.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { Auth, AuthKind } from './fixtures.ts';
import { type Operation, responseSchema } from './operations.ts';
import type { FuzzRequest } from './requests.ts';
import type { Schema } from './schema-arbitrary.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

/** The schema with every object closed: a field the document does not name is a leak. */
function closed(schema: Schema): Schema {
  const close = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(close);
    if (!value || typeof value !== 'object') return value;
    const copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, close(item)]));
    return 'properties' in copy && !('additionalProperties' in copy)
      ? { ...copy, additionalProperties: false }
      : copy;
  };
  return close(schema) as Schema;
}

const ErrorShape = closed({
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', minLength: 1 },
        message: { type: 'string', minLength: 1 },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
});

const validators = new Map<Schema, ValidateFunction>();
const validatorOf = (schema: Schema) => {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(closed(schema));
    validators.set(schema, validate);
  }
  return validate;
};

const mentionsEmail = (schema: Schema | undefined): boolean =>
  JSON.stringify(schema ?? {}).includes('"email"');

// A stack frame, an SQL statement or a driver's message in a body is a server detail that leaked.
const INTERNALS =
  /password_?hash|\$argon2|\bat .+\.[cm]?[jt]s:\d+|node_modules|"stack"|SQLSTATE|\bselect .+ from\b|\binsert into\b/i;

const ACCOUNT_GONE: AuthKind[] = ['unknown-account', 'deleted-account', 'odd-subject'];

export interface Outcome {
  operation: Operation;
  request: FuzzRequest;
  auth: Auth;
  status: number;
  body: string;
  emails: Iterable<string>;
}

export function checkResponse({ operation, request, auth, status, body, emails }: Outcome) {
  const where = `${request.method} ${request.url} [auth ${auth.kind}] ${request.payload?.slice(0, 300) ?? ''} → ${status} ${body.slice(0, 300)}`;
  expect(status, where).toBeLessThan(500);
  expect(body, where).not.toMatch(INTERNALS);
  // The router's refusals come before any route, so before its token check: a path that is not valid
  // %-encoding, or a parameter over the router's length limit (both 400s, which the operation documents).
  const error =
    status >= 400 ? (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  const refusedByRouter =
    status === 400 &&
    (error?.code === 'BAD_URL' || String(error?.message).startsWith('A path parameter is longer than'));
  if (!refusedByRouter) {
    expect(Object.keys(operation.responses), `undocumented status: ${where}`).toContain(String(status));
    if (auth.kind !== 'none' && auth.kind !== 'live' && operation.tokenUse !== 'none') {
      // A well-signed token naming no account is found out by the route's own statement on some routes
      // (accountCheckedByRoute), after validation: a malformed request is a 400 there first. Anything else
      // must be the 401.
      const lateCheck = ACCOUNT_GONE.includes(auth.kind) && status === 400;
      if (!lateCheck) expect(status, `a refused token must be 401: ${where}`).toBe(401);
    }
    if (auth.kind === 'none' && operation.tokenUse === 'required') expect(status, where).toBe(401);
    if (auth.kind === 'live' && operation.tokenUse !== 'none') expect(status, where).not.toBe(401);
  }

  const schema = responseSchema(operation, status);
  if (status === 204) {
    expect(body, where).toBe('');
    return;
  }
  const json = JSON.parse(body);
  if (status >= 400) {
    const validate = validatorOf(ErrorShape);
    expect(validate(json), `${JSON.stringify(validate.errors)}: ${where}`).toBe(true);
    return;
  }
  expect(schema, `no documented schema: ${where}`).toBeDefined();
  const validate = validatorOf(schema!);
  expect(validate(json), `${JSON.stringify(validate.errors)}: ${where}`).toBe(true);
  // An email only where the response documents one (the account's own, after sign-up or login).
  if (!mentionsEmail(schema)) for (const email of emails) expect(body, where).not.toContain(email);
}
