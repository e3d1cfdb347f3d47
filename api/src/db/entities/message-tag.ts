import { defineEntity, p } from '@mikro-orm/core';
import { Message } from './message.ts';
import { Tag } from './tag.ts';

export const MessageTag = defineEntity({
  name: 'MessageTag',
  tableName: 'message_tags',
  // The feed by tag, newest first.
  indexes: [{ properties: ['tag', 'message'] }],
  properties: {
    message: () => p.manyToOne(Message).primary().deleteRule('cascade'),
    tag: () => p.manyToOne(Tag).primary().deleteRule('cascade'),
  },
});
