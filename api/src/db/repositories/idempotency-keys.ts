// Idempotency keys: one row per (user, key), claimed in the write's own transaction, holding the response
// that retries are answered with.
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { sqlOf } from '../kysely.ts';

/**
 * True when this transaction claimed the key. `on conflict do nothing` waits for a concurrent claimer's
 * transaction to end before deciding.
 */
export const claimKey = async (em: EntityManager, userId: number, key: string, requestHash: string) =>
  (await sqlOf(em)
    .insertInto('idempotency_keys')
    .values({ user_id: userId, key, request_hash: requestHash, response: {} })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst()) !== undefined;

export const findKey = (em: EntityManager, userId: number, key: string) =>
  sqlOf(em)
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();

export const storeResponse = (em: EntityManager, userId: number, key: string, response: object) =>
  sqlOf(em)
    .updateTable('idempotency_keys')
    .set({ response: { ...response } })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute();

/** Deletes the keys older than `maxAgeSeconds`; how many. */
export async function pruneKeys(em: EntityManager, maxAgeSeconds: number): Promise<number> {
  const result = await sqlOf(em)
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', sql<string>`now() - make_interval(secs => ${maxAgeSeconds})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
