import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

/** A POST /api/messages retried with the same Idempotency-Key answers with the response it first got. */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  // Pruning by age.
  indexes: [{ properties: ['createdAt'] }],
  properties: {
    user: () => p.manyToOne(User).primary().deleteRule('cascade'),
    key: p.string().length(255).primary(),
    requestHash: p.string().length(64),
    response: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
