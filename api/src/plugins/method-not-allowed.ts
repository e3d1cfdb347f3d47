// A known path asked with a method it does not serve is 405 with `Allow` (RFC 9110), not 404: the
// client has the right address and the wrong verb. Every route is mirrored into a router of our own
// (find-my-way, Fastify's own), which the not-found handler asks which methods the path has.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import findMyWay, { type HTTPMethod } from 'find-my-way';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods served at a concrete path (empty when none: a real 404). */
    allowedMethods(path: string): string[];
  }
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
        routes.on(method as HTTPMethod, route.url, () => undefined);
      }
    });
    app.decorate('allowedMethods', (path: string) =>
      [...methods].filter((method) => routes.find(method, path) !== null).sort(),
    );
  },
  { name: 'method-not-allowed' },
);
