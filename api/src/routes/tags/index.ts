import { TrendingQuery, TrendingTag } from '@flock/shared';
import { Type } from 'typebox';
import { trendingTags } from '../../services/tags.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const tagRoutes: RoutePlugin = async (app) => {
  app.get(
    '/trending',
    {
      schema: {
        tags: ['tags'],
        summary: 'The most used tags in a recent window',
        querystring: TrendingQuery,
        response: { 200: Type.Array(TrendingTag), ...errorResponses(400) },
      },
    },
    async (request) => trendingTags(request.em, request.query.window ?? '24h', request.query.limit ?? 10),
  );
};

export default tagRoutes;
