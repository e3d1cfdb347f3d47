// Tokens a client can construct from what README documents: HS256, the shared JWT_SECRET, `iss` and `aud`.
import { createHmac } from 'node:crypto';
import { JWT_SECRET } from './cluster.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

export function sign(
  claims: Record<string, unknown>,
  { secret = JWT_SECRET, header = { alg: 'HS256', typ: 'JWT' } as Record<string, unknown> } = {},
): string {
  const unsigned = `${encode(header)}.${encode(claims)}`;
  const algorithm = header.alg === 'HS512' ? 'sha512' : 'sha256';
  return `${unsigned}.${createHmac(algorithm, secret).update(unsigned).digest('base64url')}`;
}

export const now = () => Math.floor(Date.now() / 1000);
