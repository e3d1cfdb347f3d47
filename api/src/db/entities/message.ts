import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  // The feed by author, newest first; and the trending window.
  indexes: [{ properties: ['user', 'id'] }, { properties: ['createdAt'] }],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    content: p.string().length(500),
    likeCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
