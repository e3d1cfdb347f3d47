// Access tokens: HS256 JWTs. The algorithm is pinned on both sides and issuer, audience and expiry are
// required, so `alg: none`, algorithm confusion, foreign or expired tokens are all refused.
import { createSigner, createVerifier } from 'fast-jwt';

export interface TokenClaims {
  /** The user id. */
  sub: string;
  username: string;
  /** Whether the account declared itself a bot (for metrics by source). */
  bot: boolean;
}

export interface VerifiedToken extends TokenClaims {
  /** The user id `sub` names, checked to be one an account can have. */
  userId: number;
  /** Expiry, in ms since the epoch. */
  expiresAt: number;
}

/** User ids are positive integers of the users table's int column, written as plain decimal digits. */
const MAX_USER_ID = 2_147_483_647;
function userIdOf(sub: string): number {
  const id = /^[1-9][0-9]{0,9}$/.test(sub) ? Number(sub) : Number.NaN;
  if (!(id <= MAX_USER_ID)) throw new Error('token subject is not a user id');
  return id;
}

export interface TokenService {
  sign(claims: TokenClaims): string;
  verify(token: string): VerifiedToken;
}

export interface TokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export function createTokenService(options: TokenOptions): TokenService {
  const signer = createSigner({
    key: options.secret,
    algorithm: 'HS256',
    iss: options.issuer,
    aud: options.audience,
    expiresIn: options.ttlSeconds * 1000,
  });
  const verifier = createVerifier({
    key: options.secret,
    algorithms: ['HS256'],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['exp', 'iat', 'sub', 'iss', 'aud'],
    clockTolerance: 5_000,
    cache: 1000,
  });
  return {
    sign: (claims) => signer({ sub: claims.sub, username: claims.username, bot: claims.bot }),
    verify(token) {
      if (token.length > 4096) throw new Error('token too large');
      const payload = verifier(token) as Partial<TokenClaims> & { exp?: number };
      if (typeof payload.sub !== 'string' || typeof payload.username !== 'string') {
        throw new Error('token claims are malformed');
      }
      return {
        sub: payload.sub,
        userId: userIdOf(payload.sub),
        username: payload.username,
        bot: payload.bot === true,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    },
  };
}
