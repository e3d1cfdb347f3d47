// Idempotency-Key for writes that create things: the first request with a key claims it (a row keyed by
// user and key, inserted in the write's own transaction); a concurrent one waits on that row, then
// answers with the stored response. The same key with a different body is refused.
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import * as keys from '../db/repositories/idempotency-keys.ts';
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
  if (await keys.claimKey(tx, userId, claim.key, claim.requestHash)) return { claimed: true };
  const existing = await keys.findKey(tx, userId, claim.key);
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

export { pruneKeys as pruneIdempotencyKeys, storeResponse } from '../db/repositories/idempotency-keys.ts';
