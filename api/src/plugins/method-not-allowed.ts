// A known path asked with a method it does not serve is 405 with `Allow` (RFC 9110), not 404: the
// client has the right address and the wrong verb. Every route is mirrored into a router of our own
// (find-my-way, Fastify's own), which the not-found handler asks which methods the path has.
//
// The mirror holds each path parameter to its schema's pattern, as the OpenAPI document does: `me` is no
// username, so `PATCH /api/users/me` is a method `/api/users/me` does not serve (405), not an attempt to
// edit a profile called `me` that Fastify's router, which knows no patterns, would hand to that route.
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import findMyWay, { type HTTPMethod } from 'find-my-way';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods served at a concrete path (empty when none: a real 404). */
    allowedMethods(path: string): string[];
  }
}

type ParamsSchema = { properties?: Record<string, { pattern?: string }> };

/** The route's URL with each parameter held to its pattern (find-my-way's `:name(regex)`). */
function withPatterns(route: RouteOptions): string {
  const params = (route.schema?.params as ParamsSchema | undefined)?.properties ?? {};
  return route.url.replace(/:(\w+)/g, (param, name: string) => {
    const pattern = params[name]?.pattern;
    return pattern === undefined ? param : `:${name}(${pattern})`;
  });
}

export default fp(
  async function methodNotAllowed(app: FastifyInstance) {
    const routes = findMyWay({ ignoreTrailingSlash: false });
    const methods = new Set<HTTPMethod>();
    app.addHook('onRoute', (route) => {
      // Catch-alls (CORS preflight, the web app's files) would claim every path: a real 404 stays one.
      if (route.url.includes('*')) return;
      for (const method of [route.method].flat()) {
        methods.add(method as HTTPMethod);
        routes.on(method as HTTPMethod, withPatterns(route), () => undefined);
      }
    });
    const allowedMethods = (path: string) =>
      [...methods].filter((method) => routes.find(method, path) !== null).sort();
    app.decorate('allowedMethods', allowedMethods);

    // Before any route's own hooks (its token check): a parametric route reached by a path its patterns
    // refuse, where other methods are served, is the wrong verb on that path.
    app.addHook('onRequest', async (request, reply) => {
      if (!request.routeOptions.url?.includes(':')) return;
      const path = request.url.split('?')[0]!;
      if (routes.find(request.method as HTTPMethod, path) !== null) return;
      if (allowedMethods(path).length > 0) return reply.callNotFound();
    });
  },
  { name: 'method-not-allowed' },
);
