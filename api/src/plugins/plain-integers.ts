// In a query string only a plain decimal integer is an integer: `1e1`, `0x10`, ` 10` or `10.0` would each
// be coerced to a number by the validator and accepted, so a client's typo or a fuzzer's probe read as
// something it did not say. Nor is a run of digits no double holds exactly: past 2^53 it reads as a
// neighbour, and past 309 digits as Infinity, which passes the validator's integer and range checks and
// reached the SQL as `limit Infinity` (a 500). Checked before validation, on the raw strings, for every
// integer parameter a route's querystring schema declares.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badField } from '../domain/api-error.ts';

const PLAIN_INTEGER = /^-?(0|[1-9]\d*)$/;

interface QuerySchema {
  properties?: Record<string, { type?: string }>;
}

export default fp(
  async function plainIntegers(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      const schema = request.routeOptions.schema?.querystring as QuerySchema | undefined;
      const query = request.query as Record<string, unknown> | undefined;
      if (!schema?.properties || !query) return;
      for (const [name, property] of Object.entries(schema.properties)) {
        const raw = query[name];
        if (property.type !== 'integer' || typeof raw !== 'string') continue;
        if (!PLAIN_INTEGER.test(raw)) throw badField(name, 'must be a plain decimal integer');
        if (!Number.isSafeInteger(Number(raw))) throw badField(name, 'is out of range');
      }
    });
  },
  { name: 'plain-integers' },
);
