import type { Scenario } from '../lib/stats.ts';
import { bots } from './bots.ts';
import { crossReplica } from './cross-replica.ts';
import { fanout } from './fanout.ts';
import { feedRead } from './feed-read.ts';
import { floor } from './floor.ts';
import { homeRead } from './home-read.ts';
import { mixed } from './mixed.ts';
import { operator } from './operator.ts';
import { write } from './write.ts';

/** In the order a full run takes them. */
export const scenarios: Scenario[] = [
  floor,
  feedRead,
  homeRead,
  write,
  fanout,
  crossReplica,
  mixed,
  bots,
  operator,
];
