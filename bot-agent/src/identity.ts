// Who each bot is: a username, email and password that depend only on the swarm, the pod, the index
// and the password secret, so a restarted process finds its accounts again (and logs in) instead of
// making new ones.
import { createHash, createHmac } from 'node:crypto';
import { toNameCharacters, USERNAME_MAX_LENGTH } from '@flock/shared';

export const BOT_EMAIL_DOMAIN = 'bots.flock.invalid';
// Used when BOT_PASSWORD_SECRET is unset: passwords are then stable but guessable by anyone who reads
// this file, which is fine for a laptop and not for a shared deployment (see the README).
const DEFAULT_SECRET = 'flock-bot-agent/default-password-secret';

export interface BotIdentity {
  index: number;
  username: string;
  email: string;
  password: string;
}

const hash = (value: string, length: number) =>
  createHash('sha256').update(value).digest('hex').slice(0, length);

/** Lower case, `_` for what a username cannot hold (swarm names are DNS labels: `-` becomes `_`). */
export function usernamePart(value: string): string {
  return toNameCharacters(value);
}

/**
 * `<swarm>_<podhash>_<index>`, at most 30 characters. The pod name is hashed (6 hex digits) because
 * Kubernetes pod names are long; a swarm name too long to fit is cut and given a hash of the whole, so
 * two long swarm names with the same beginning still differ.
 */
export function botUsername(swarm: string, pod: string, index: number): string {
  const suffix = `_${hash(pod, 6)}_${index}`;
  let prefix = usernamePart(swarm) || 'bot';
  const room = USERNAME_MAX_LENGTH - suffix.length;
  if (prefix.length > room) prefix = `${prefix.slice(0, room - 5)}_${hash(swarm, 4)}`;
  return `${prefix}${suffix}`;
}

/** HMAC-SHA256 of the username: the same for every restart, unknowable without the secret. */
export function botPassword(username: string, secret: string | undefined): string {
  return createHmac('sha256', secret || DEFAULT_SECRET)
    .update(username)
    .digest('base64url');
}

export function botIdentity(
  options: { swarm: string; pod: string; passwordSecret: string | undefined },
  index: number,
): BotIdentity {
  const username = botUsername(options.swarm, options.pod, index);
  return {
    index,
    username,
    email: `${username}@${BOT_EMAIL_DOMAIN}`,
    password: botPassword(username, options.passwordSecret),
  };
}
