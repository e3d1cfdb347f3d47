// In the embedded default the API serves the built web app; in containers nginx does.
//
// - Files of the build are served as they are. Vite names every asset under `assets/` by a hash of its
//   content, so those are cached for a year (`immutable`); everything else (index.html) is revalidated.
// - The app routes on the client (`/tags/lit`, `/users/ada`…): a GET for any other path that is not under
//   `/api` and asks for HTML is answered with index.html; anything else is the API's ordinary 404.
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

const HASHED_ASSET = /[/\\]assets[/\\][^/\\]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

function cacheHeaders(reply: FastifyReply, path: string) {
  reply.header('cache-control', HASHED_ASSET.test(path) ? IMMUTABLE : REVALIDATE);
}

export default fp(
  async function webApp(app: FastifyInstance, options: { root: string }) {
    await app.register(fastifyStatic, {
      root: resolve(options.root),
      wildcard: false,
      index: 'index.html',
      cacheControl: false,
      setHeaders: cacheHeaders,
    });

    // Client-side routes: the app's own index.html.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      const wantsHtml = request.headers.accept?.includes('text/html') ?? false;
      if (path === '/api' || path.startsWith('/api/') || !wantsHtml) return reply.callNotFound();
      reply.header('cache-control', REVALIDATE);
      return reply.sendFile('index.html');
    });
  },
  { name: 'web-app' },
);
