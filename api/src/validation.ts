// Request validation. Query strings, path parameters and headers arrive as text, so their numbers and
// booleans are read from it; a JSON body already has types, and one of the wrong type is refused (400)
// rather than coerced: `{"content": 123}` is not a message, nor `["hi"]` a string.
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

// Unknown fields are refused with a 400 rather than silently dropped; defaults fill in what is left out.
const common = { removeAdditional: false, useDefaults: true } as const;

export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator(externalSchemas, options) {
      const build = AjvCompiler();
      const withAjv = (customOptions: object) => ({ ...options, customOptions }) as typeof options;
      const fromText = build(externalSchemas, withAjv({ ...common, coerceTypes: 'array' }));
      const fromJson = build(externalSchemas, withAjv({ ...common, coerceTypes: false }));
      return (route) => (route.httpPart === 'body' ? fromJson(route) : fromText(route));
    },
  },
};
