import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  // The feed by author, newest first; the trending window; a message's replies, oldest first.
  indexes: [
    { properties: ['user', 'id'] },
    { properties: ['createdAt'] },
    { properties: ['inReplyTo', 'id'], where: 'in_reply_to_id is not null' },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    content: p.string().length(500),
    // No foreign key: a reply outlives the message it answers (the thread shows where that one was).
    inReplyTo: p.bigint('string').nullable().fieldName('in_reply_to_id'),
    replyCount: p.integer().default(0),
    likeCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
