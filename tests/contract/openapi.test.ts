// Generated from the OpenAPI document the API serves: every operation, each documented parameter and
// body field at its limits and just past them, and every JSON type it could wrongly receive. A route
// added later is covered by the same loops without being named here.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Replica, startCluster } from './support/cluster.ts';
import { Client, type Reply, send } from './support/http.ts';
import { Api, type Operation, type Parameter, type Schema } from './support/openapi.ts';
import { limits, type Probe, valid, wrongTypes } from './support/samples.ts';
import { type Account, post, register } from './support/users.ts';

const cluster = await startCluster([{}, {}]);
afterAll(() => cluster.stop());
const api = await Api.load(cluster.replicas[0]!.base);
const clients = cluster.replicas.map((replica: Replica) => new Client(replica.base, api));

interface Request {
  path: Record<string, string>;
  query: [string, string][];
  /** Appended as it is (`limit` with no `=`). */
  rawQuery?: string;
  headers: Record<string, string>;
  body?: unknown;
}

interface Fixtures {
  account: Account;
  /** Another account: the one a follow names (following yourself is refused). */
  other: Account;
  messageId: string;
}

function baseline(op: Operation, fixtures: Fixtures): Request {
  const request: Request = { path: {}, query: [], headers: {} };
  for (const parameter of op.parameters) {
    if (parameter.in === 'path') request.path[parameter.name] = fixture(op, parameter, fixtures);
  }
  if (op.body) {
    const body = valid(op.body) as Record<string, unknown>;
    // A body that names the caller's own credentials gets them, so the baseline can succeed.
    if ('login' in body) body.login = fixtures.account.username;
    if ('password' in body && !op.path.endsWith('/register')) body.password = fixtures.account.password;
    // A reference to another message names a real one.
    if ('inReplyTo' in body) body.inReplyTo = fixtures.messageId;
    request.body = body;
  }
  return request;
}

/** Path parameters that name things: a real one, so that the baseline request can succeed. */
function fixture(op: Operation, parameter: Parameter, fixtures: Fixtures): string {
  if (parameter.name === 'id') return fixtures.messageId;
  if (parameter.name === 'username')
    return op.path.endsWith('/follow') ? fixtures.other.username : fixtures.account.username;
  return String(valid(parameter.schema));
}

function url(op: Operation, request: Request): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(request.path[name] ?? ''),
  );
  const query = new URLSearchParams(request.query).toString();
  const parts = [query, request.rawQuery].filter(Boolean).join('&');
  return parts ? `${path}?${parts}` : path;
}

let turn = 0;
async function fire(op: Operation, request: Request, token?: string): Promise<Reply> {
  turn += 1;
  const client = clients[turn % clients.length]!;
  return client.request(op.method, url(op, request), {
    token,
    headers: request.headers,
    ...(request.body !== undefined && { body: request.body }),
  });
}

/** Whether a query-string value is what the document admits: integers are plain decimal digits. */
function admitsQuery(schema: Schema, value: string): boolean {
  if (schema.type === 'integer') {
    if (!/^[0-9]+$/.test(value)) return false;
    const n = Number(value);
    return (
      (schema.minimum === undefined || n >= schema.minimum) &&
      (schema.maximum === undefined || n <= schema.maximum)
    );
  }
  return api.validator(schema)(value);
}

interface Case {
  what: string;
  request: Request;
  /** The field a 400 must name, when the probe is about one. */
  field?: string;
  valid: boolean;
}

function cases(op: Operation, fixtures: Fixtures): Case[] {
  const out: Case[] = [];
  const base = () => structuredClone(baseline(op, fixtures));
  for (const parameter of op.parameters) {
    const { name, schema } = parameter;
    const admits = (value: string) =>
      parameter.in === 'query' ? admitsQuery(schema, value) : api.validator(schema)(value);
    const values: Probe[] = [...limits(schema).valid, ...limits(schema).invalid];
    if (schema.type === 'integer') {
      for (const text of ['1e1', '0x10', ' 10', '+1', '1.5', '10 ', 'abc', 'true', '', '-0', 'Infinity'])
        values.push({ what: JSON.stringify(text), value: text });
    } else {
      for (const probe of wrongTypes(schema)) if (typeof probe.value !== 'object') values.push(probe);
    }
    for (const probe of values) {
      const text = String(probe.value);
      // Headers carry no control characters and no bytes over 0x7E through fetch; an empty path segment is another route.
      if (parameter.in === 'header' && !/^[\x20-\x7E]*$/.test(text)) continue;
      if (parameter.in === 'path' && text === '') continue;
      const request = base();
      if (parameter.in === 'path') request.path[name] = text;
      if (parameter.in === 'query') request.query.push([name, text]);
      if (parameter.in === 'header') request.headers[name] = text;
      out.push({
        what: `${parameter.in} ${name}: ${probe.what} (${JSON.stringify(text).slice(0, 40)})`,
        request,
        field: name,
        valid: admits(text),
      });
    }
    if (parameter.in === 'query') {
      const twice = base();
      twice.query.push([name, String(valid(schema))], [name, String(valid(schema))]);
      out.push({
        what: `query ${name} given twice (an array for a scalar)`,
        request: twice,
        field: name,
        valid: false,
      });
      const bare = base();
      bare.rawQuery = name;
      out.push({
        what: `query ${name} with no value`,
        request: bare,
        field: name,
        valid: admitsQuery(schema, ''),
      });
      const nested = base();
      nested.rawQuery = `${name}[a]=${encodeURIComponent(String(valid(schema)))}`;
      out.push({ what: `query ${name}[a]= (an object)`, request: nested, valid: false });
    }
  }
  if (op.parameters.some((p) => p.in === 'query')) {
    const unknown = base();
    unknown.query.push(['unexpected_param', '1']);
    out.push({
      what: 'an unknown query parameter',
      request: unknown,
      field: 'unexpected_param',
      valid: false,
    });
  }
  if (op.body) {
    const bodySchema = op.body;
    const admits = (body: unknown) => api.validator(bodySchema)(body);
    for (const [name, schema] of Object.entries(bodySchema.properties ?? {})) {
      const { valid: ok, invalid } = limits(schema);
      for (const probe of [...ok, ...invalid, ...wrongTypes(schema)]) {
        const request = base();
        (request.body as Record<string, unknown>)[name] = probe.value;
        out.push({ what: `body ${name}: ${probe.what}`, request, field: name, valid: admits(request.body) });
      }
    }
    for (const name of bodySchema.required ?? []) {
      const request = base();
      delete (request.body as Record<string, unknown>)[name];
      out.push({ what: `body without required ${name}`, request, field: name, valid: false });
    }
    for (const name of Object.keys(bodySchema.properties ?? {}).filter(
      (n) => !bodySchema.required?.includes(n),
    )) {
      const request = base();
      delete (request.body as Record<string, unknown>)[name];
      out.push({ what: `body without optional ${name}`, request, valid: true });
    }
    if (bodySchema.additionalProperties === false) {
      const request = base();
      (request.body as Record<string, unknown>).unexpected_field = 1;
      out.push({ what: 'body with an unknown field', request, field: 'unexpected_field', valid: false });
    }
    for (const probe of wrongTypes(bodySchema)) {
      const request = base();
      request.body = probe.value;
      out.push({ what: `body that is ${probe.what}`, request, valid: false });
    }
  }
  return out;
}

/** A fresh account and message per operation, so that a deleting baseline takes only its own. */
async function fixturesFor(): Promise<Fixtures> {
  const account = await register(clients[0]!, 'oa');
  const other = await register(clients[0]!, 'ob');
  const message = await post(clients[0]!, account, `fixture ${randomBytes(4).toString('hex')}`);
  return { account, other, messageId: message.id };
}

/**
 * Body fields that name another resource (OpenAPI: a message id): a value of the right form may name none,
 * and a documented 422 naming the field is then the answer (README: a reply's message must exist).
 */
const REFERENCES = new Set(['inReplyTo']);

const namesField = (reply: Reply, field: string) =>
  ((reply.json?.error?.details ?? []) as { field?: string }[]).some((d) =>
    String(d.field ?? '').includes(field),
  );

function judge(op: Operation, probe: Case, reply: Reply): string | undefined {
  const label = `${probe.what} → ${reply.status} ${reply.text.slice(0, 200)}`;
  if (!op.statuses.includes(reply.status))
    return `${label}: status not among the documented ${op.statuses.join(', ')}`;
  const namesNothing =
    reply.status === 422 &&
    probe.field !== undefined &&
    REFERENCES.has(probe.field) &&
    namesField(reply, probe.field);
  if (probe.valid)
    return (reply.status === 400 || reply.status === 422) && !namesNothing
      ? `${label}: a valid request was refused`
      : undefined;
  const refusals = op.statuses.includes(422) ? [400, 422] : [400];
  if (!refusals.includes(reply.status)) return `${label}: expected ${refusals.join(' or ')}`;
  if (probe.field) {
    const details: { field?: string }[] = reply.json?.error?.details ?? [];
    if (!details.some((d) => String(d.field ?? '').includes(probe.field!)))
      return `${label}: details do not name ${probe.field}`;
  }
  return undefined;
}

describe('every documented operation', () => {
  it('the document lists operations, each with responses', () => {
    expect(api.operations.length).toBeGreaterThan(5);
    for (const op of api.operations) expect(op.statuses.length, `${op.method} ${op.path}`).toBeGreaterThan(0);
  });

  for (const op of api.operations) {
    const name = `${op.method} ${op.path}`;
    describe(name, () => {
      it('answers each documented field at its limits, just past them and with every wrong type, as documented', async () => {
        const fixtures = await fixturesFor();
        const token = fixtures.account.token;
        const failures: string[] = [];
        for (const probe of cases(op, fixtures)) {
          if (
            probe.request.headers['idempotency-key'] === undefined &&
            op.parameters.some((p) => p.name === 'idempotency-key')
          ) {
            // A fresh key per request: a reused one would replay the first answer.
            probe.request.headers['idempotency-key'] = `k-${randomBytes(8).toString('hex')}`;
          }
          const reply = await fire(op, probe.request, token);
          const failure = judge(op, probe, reply);
          if (failure) failures.push(failure);
        }
        expect(failures, `${name}: ${failures.length} probes answered against the document`).toEqual([]);
      });

      it('answers a fully valid request with a documented success, its body fitting the schema', async () => {
        for (const client of clients) {
          const fixtures = await fixturesFor();
          const request = baseline(op, fixtures);
          const reply = await client.request(op.method, url(op, request), {
            token: fixtures.account.token,
            ...(request.body !== undefined && { body: request.body }),
          });
          expect(reply.status, `${name} → ${reply.text}`).toBeGreaterThanOrEqual(200);
          expect(reply.status, `${name} → ${reply.text}`).toBeLessThan(300);
        }
      });

      if (op.secured) {
        it('refuses a missing, malformed or non-Bearer token with 401 in the one shape', async () => {
          const fixtures = await fixturesFor();
          const request = baseline(op, fixtures);
          for (const authorization of [
            undefined,
            'Bearer not-a-token',
            'Bearer ',
            `Basic ${Buffer.from('a:b').toString('base64')}`,
            fixtures.account.token,
          ]) {
            const reply = await send(clients[0]!.base, op.method, url(op, request), {
              headers: authorization ? { authorization } : {},
              ...(request.body !== undefined && { body: request.body }),
            });
            expect(reply.status, `${name} with ${authorization ?? 'no'} authorization: ${reply.text}`).toBe(
              401,
            );
            expect(op.statuses).toContain(401);
          }
        });
      } else if (op.statuses.includes(401) && !op.body) {
        it('refuses a malformed token with 401 (a read that documents one: the token is optional, not ignored)', async () => {
          const fixtures = await fixturesFor();
          const reply = await clients[0]!.request(op.method, url(op, baseline(op, fixtures)), {
            token: 'not-a-token',
          });
          expect(reply.status, reply.text).toBe(401);
        });
      }

      if (op.body) {
        it('refuses a non-JSON body with 415, malformed JSON with 400, no body with 400, and a body over the limit with 413', async () => {
          const fixtures = await fixturesFor();
          const request = baseline(op, fixtures);
          const path = url(op, request);
          const client = clients[1]!;
          const token = op.secured ? fixtures.account.token : undefined;
          const text = await client.request(op.method, path, {
            token,
            raw: 'hello',
            contentType: 'text/plain',
          });
          expect(text.status, `text/plain: ${text.text}`).toBe(415);
          const form = await client.request(op.method, path, {
            token,
            raw: 'a=1',
            contentType: 'application/x-www-form-urlencoded',
          });
          expect(form.status, `form: ${form.text}`).toBe(415);
          const malformed = await client.request(op.method, path, { token, raw: '{"content": "x",' });
          expect(malformed.status, `malformed: ${malformed.text}`).toBe(400);
          const none = await client.request(op.method, path, { token });
          expect([400, 415], `no body: ${none.status} ${none.text}`).toContain(none.status);
          const huge = await client.request(op.method, path, {
            token,
            body: { ...(request.body as object), padding: 'x'.repeat(17_000) },
          });
          expect(huge.status, `17 kB body: ${huge.text.slice(0, 200)}`).toBe(413);
        });
      }
    });
  }
});
