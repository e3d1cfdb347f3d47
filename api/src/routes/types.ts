import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** A route module: a Fastify plugin whose schemas type its handlers. */
export type RoutePlugin<Options extends Record<string, unknown> = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
