import type { EntityManager } from '@mikro-orm/postgresql';
import * as tags from '../db/repositories/tags.ts';

const UNITS = { m: 'minutes', h: 'hours', d: 'days' } as const;

/** The most used tags in a recent window: `15m`, `24h`, `7d` (the schema's pattern). */
export const trendingTags = (em: EntityManager, windowSpec: string, limit: number) =>
  tags.trendingTags(
    em,
    `${windowSpec.slice(0, -1)} ${UNITS[windowSpec.slice(-1) as keyof typeof UNITS]}`,
    limit,
  );
