import type { Scenario } from '../lib/stats.ts';
import { fanout } from './fanout.ts';
import { feedRead } from './feed-read.ts';
import { floor } from './floor.ts';
import { write } from './write.ts';

/** In the order a full run takes them. */
export const scenarios: Scenario[] = [floor, feedRead, write, fanout];
