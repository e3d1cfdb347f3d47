// No text with a NUL character reaches the database: PostgreSQL cannot store one in text, and the driver
// sending it is refused as a protocol violation (SQLSTATE 08P01), which used to read as an outage (503,
// Retry-After, for ever). Refused here as the client's mistake, naming the field, before validation.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badField } from '../domain/api-error.ts';

/** The path of the first string holding a NUL within `value`, or undefined. */
function nulAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulAt(item, path ? `${path}.${index}` : String(index));
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulAt(key, path ? `${path}.${key}` : key) ?? nulAt(item, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export default fp(
  async function nulGuard(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      for (const part of [request.params, request.query, request.body]) {
        const field = nulAt(part, '');
        if (field !== undefined) throw badField(field || 'request', 'must not contain a NUL character');
      }
    });
  },
  { name: 'nul-guard' },
);
