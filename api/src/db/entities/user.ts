import { defineEntity, p } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.integer().primary().autoincrement(),
    username: p.string().length(30).unique(),
    email: p.string().length(254).unique(),
    passwordHash: p.string().hidden().lazy(),
    bot: p.boolean().default(false),
    displayName: p.string().length(50).nullable(),
    bio: p.string().length(300).default(''),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
