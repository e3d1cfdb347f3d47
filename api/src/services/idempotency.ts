// Idempotency-Key for writes that create things: the first request with a key claims it (a row keyed by
// user and key, inserted in the write's own transaction); a concurrent one waits on that row, then
// answers with the stored response. The same key with a different body is refused.
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError } from '../domain/api-error.ts';

export interface IdempotencyClaim {
  key: string;
  requestHash: string;
}

export const requestHash = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/**
 * Inside the write's transaction: true when this request claimed the key (go ahead and write, then
 * `storeResponse`); otherwise the response stored by the request that did.
 */
export async function claimKey(
  tx: EntityManager,
  userId: number,
  claim: IdempotencyClaim,
): Promise<{ claimed: true } | { claimed: false; response: Record<string, unknown> }> {
  // `on conflict do nothing` waits for a concurrent claimer's transaction to end before deciding.
  const claimed = await tx.execute<{ key: string }[]>(
    `insert into idempotency_keys (user_id, key, request_hash, response) values (?, ?, ?, '{}'::jsonb)
     on conflict do nothing returning key`,
    [userId, claim.key, claim.requestHash],
  );
  if (claimed.length > 0) return { claimed: true };
  const [existing] = await tx.execute<{ request_hash: string; response: Record<string, unknown> }[]>(
    'select request_hash, response from idempotency_keys where user_id = ? and key = ?',
    [userId, claim.key],
  );
  if (!existing) throw new ApiError(409, 'CONFLICT', 'The Idempotency-Key is in use, retry');
  if (existing.request_hash !== claim.requestHash) {
    throw new ApiError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used with a different request body',
      [{ field: 'idempotency-key', message: 'was used with a different request body' }],
    );
  }
  return { claimed: false, response: existing.response };
}

export async function storeResponse(tx: EntityManager, userId: number, key: string, response: object) {
  await tx.execute('update idempotency_keys set response = ?::jsonb where user_id = ? and key = ?', [
    JSON.stringify(response),
    userId,
    key,
  ]);
}

export async function pruneIdempotencyKeys(em: EntityManager, maxAgeSeconds: number): Promise<number> {
  const rows = await em.execute<{ key: string }[]>(
    'delete from idempotency_keys where created_at < now() - make_interval(secs => ?) returning key',
    [maxAgeSeconds],
  );
  return rows.length;
}
