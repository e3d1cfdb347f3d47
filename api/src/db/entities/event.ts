import { defineEntity, p } from '@mikro-orm/core';

/** The live-feed outbox: written in the same transaction as the change it announces. */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'events',
  // Pruning by age.
  indexes: [{ properties: ['createdAt'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    type: p.string().length(40),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
