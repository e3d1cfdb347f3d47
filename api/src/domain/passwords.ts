import argon2 from 'argon2';

/** OWASP's Argon2id minimum: 19 MiB of memory, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const hashPassword = (password: string) => argon2.hash(password, ARGON2_OPTIONS);

// Verified against when the account does not exist, so an unknown login costs the same time as a known one.
const unknownUserHash = hashPassword('no account has this password, it only costs time');

export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash ?? (await unknownUserHash), password);
  } catch {
    return false;
  }
}
