import {
  ConnectionException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart), but not
// 08P01 (protocol violation): the server refused what this request sent, and would again.
const UNAVAILABLE_SQLSTATE = /^(08(?!P01)|57P0[1-3]|53300)/;
const UNAVAILABLE_SYSCALL = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Connection ended/i;

/** True when the database could not be reached, as opposed to a query the database refused. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ConnectionException) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SYSCALL.has(code)))
      return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  }
  return false;
}

/**
 * True when a foreign key found no row: MikroORM's exception for its own statements, SQLSTATE 23503 from the
 * driver for typed SQL (Kysely passes the driver's errors on).
 */
export const isForeignKeyViolation = (error: unknown): boolean =>
  error instanceof ForeignKeyConstraintViolationException || (error as { code?: unknown })?.code === '23503';

/** True when a unique constraint refused a row: as above, MikroORM's exception or SQLSTATE 23505. */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof UniqueConstraintViolationException || (error as { code?: unknown })?.code === '23505';
