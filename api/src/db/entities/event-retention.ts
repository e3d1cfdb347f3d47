import { defineEntity, p } from '@mikro-orm/core';

/** One row: the highest event id pruned so far, to tell resuming clients their position is gone. */
export const EventRetention = defineEntity({
  name: 'EventRetention',
  tableName: 'event_retention',
  properties: {
    id: p.integer().primary().autoincrement(false),
    prunedThrough: p.bigint('string'),
  },
});
