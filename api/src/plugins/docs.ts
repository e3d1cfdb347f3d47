// OpenAPI, generated from the route schemas, served at /api/docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorBody } from '@flock/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// Any route a body can be sent to answers a body over BODY_LIMIT_BYTES with 413 and one that is not JSON
// with 415, before its own schema is looked at; each route's own list left them out.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_ERRORS = { 413: ErrorBody, 415: ErrorBody };

export default fp(
  async function docs(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      const response = route.schema?.response as Record<string, unknown> | undefined;
      if (!response || !methods.some((method) => BODY_METHODS.has(method))) return;
      route.schema!.response = { ...BODY_ERRORS, ...response };
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Flock API',
          version: '0.1.0',
          description: 'Users, messages, #tags, likes and the live feed',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  },
  { name: 'docs' },
);
