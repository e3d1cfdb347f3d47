// How long to wait after trouble: capped exponential backoff with jitter (a uniform share of
// min(cap, initial·2^(n-1))), so a thousand bots that failed together do not come back together; and
// Retry-After, the floor a server asked for.
import type { Random } from './random.ts';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** The wait before retry number `failures` (1 for the first failure). */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: Random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failures - 1));
  // Never less than a tenth of the ceiling: a retry right away would only fail the same way.
  return ceiling * (0.1 + 0.9 * random.next());
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
