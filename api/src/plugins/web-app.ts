// In the embedded default the API serves the built web app; in containers nginx does.
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export default fp(
  async function webApp(app: FastifyInstance, options: { root: string }) {
    await app.register(fastifyStatic, { root: resolve(options.root), wildcard: false, index: 'index.html' });
  },
  { name: 'web-app' },
);
