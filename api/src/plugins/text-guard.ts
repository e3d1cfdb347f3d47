// Text the database cannot hold as sent is refused here as the client's mistake, naming the field, before
// validation. A NUL character: PostgreSQL cannot store one in text, and the driver sending it is refused as
// a protocol violation (SQLSTATE 08P01), which used to read as an outage (503, Retry-After, for ever). An
// unpaired UTF-16 surrogate (`"\ud800"` in JSON): it has no UTF-8 form, so it was silently stored as U+FFFD,
// and the client read back other text than it sent.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badField } from '../domain/api-error.ts';

const problemOf = (text: string): string | undefined =>
  text.includes('\u0000')
    ? 'must not contain a NUL character'
    : text.isWellFormed()
      ? undefined
      : 'must not contain an unpaired surrogate (it is not Unicode text)';

/**
 * The path of the first string within `value` that cannot be stored as sent (keys before their values),
 * and why; undefined when there is none.
 * Walked with a list rather than recursion: a body of a few thousand nested arrays, well within the body
 * limit, overflowed the call stack and answered 500.
 */
function badTextAt(value: unknown): [path: string, problem: string] | undefined {
  const pending: [item: unknown, path: string][] = [[value, '']];
  const child = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      const problem = problemOf(item);
      if (problem) return [path, problem];
    } else if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index--) pending.push([item[index], child(path, index)]);
    } else if (item && typeof item === 'object') {
      for (const [key, nested] of Object.entries(item).reverse())
        pending.push([nested, child(path, key)], [key, child(path, key)]);
    }
  }
  return undefined;
}

export default fp(
  async function textGuard(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      // Only what the route reads: a query string or body a route declares no schema for goes nowhere, and
      // refusing it answered a 400 that route does not document (GET /api/users/me?%00).
      const schema = request.routeOptions.schema;
      const parts = [request.params, schema?.querystring && request.query, schema?.body && request.body];
      for (const part of parts) {
        const found = badTextAt(part);
        if (found) throw badField(found[0] || 'request', found[1]);
      }
    });
  },
  { name: 'text-guard' },
);
