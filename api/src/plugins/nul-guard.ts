// No text with a NUL character reaches the database: PostgreSQL cannot store one in text, and the driver
// sending it is refused as a protocol violation (SQLSTATE 08P01), which used to read as an outage (503,
// Retry-After, for ever). Refused here as the client's mistake, naming the field, before validation.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badField } from '../domain/api-error.ts';

/**
 * The path of the first string holding a NUL within `value` (keys before their values), or undefined.
 * Walked with a list rather than recursion: a body of a few thousand nested arrays, well within the body
 * limit, overflowed the call stack and answered 500.
 */
function nulAt(value: unknown): string | undefined {
  const pending: [item: unknown, path: string][] = [[value, '']];
  const child = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return path;
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
  async function nulGuard(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      // Only what the route reads: a query string or body a route declares no schema for goes nowhere, and
      // refusing it answered a 400 that route does not document (GET /api/users/me?%00).
      const schema = request.routeOptions.schema;
      const parts = [request.params, schema?.querystring && request.query, schema?.body && request.body];
      for (const part of parts) {
        const field = nulAt(part);
        if (field !== undefined) throw badField(field || 'request', 'must not contain a NUL character');
      }
    });
  },
  { name: 'nul-guard' },
);
