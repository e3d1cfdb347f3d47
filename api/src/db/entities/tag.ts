import { defineEntity, p } from '@mikro-orm/core';

export const Tag = defineEntity({
  name: 'Tag',
  tableName: 'tags',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(50).unique(),
  },
});
