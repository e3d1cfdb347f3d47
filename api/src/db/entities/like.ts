import { defineEntity, p } from '@mikro-orm/core';
import { Message } from './message.ts';
import { User } from './user.ts';

export const Like = defineEntity({
  name: 'Like',
  tableName: 'likes',
  // Likes by message (and the cascade when a message is deleted).
  indexes: [{ properties: ['message'] }],
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    message: () => p.manyToOne(Message).primary().deleteRule('cascade'),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
