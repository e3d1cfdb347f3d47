// Who may open the live feed, decided at the upgrade: before any event can flow, the Origin must be allowed
// (403), the token, offered in the subprotocol list and never the URL, valid (401), and the user under the
// connection cap (429).
import { LIVE_AUTH_PROTOCOL_PREFIX, LIVE_PROTOCOL } from '@flock/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/api-error.ts';
import { isDatabaseUnavailable } from '../domain/database-errors.ts';
import { findMe } from '../services/users.ts';
import type { LiveHub } from './hub.ts';

declare module 'fastify' {
  interface FastifyRequest {
    liveTokenExpiresAt?: number;
  }
}

export interface AdmissionOptions {
  allowedOrigins: string[];
  maxConnectionsPerUser: number;
}

/** The subprotocol the server answers with; the token-carrying entry is never echoed back. */
export const chooseProtocol = (protocols: Set<string>): string | false =>
  protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false;

/** The upgrade's check: throws the refusal, or sets `request.user` and `request.liveTokenExpiresAt`. */
export function admission(app: FastifyInstance, hub: LiveHub, options: AdmissionOptions) {
  const originAllowed = (request: FastifyRequest): boolean => {
    const origin = request.headers.origin;
    // Browsers always send Origin on a WebSocket upgrade; other clients (bots, tools) may not.
    if (origin === undefined) return true;
    if (options.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  };

  return async function admit(request: FastifyRequest): Promise<void> {
    if (!originAllowed(request))
      throw new ApiError(403, 'FORBIDDEN_ORIGIN', 'This origin may not open the live feed');
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const token = offered
      .find((p) => p.startsWith(LIVE_AUTH_PROTOCOL_PREFIX))
      ?.slice(LIVE_AUTH_PROTOCOL_PREFIX.length);
    if (!offered.includes(LIVE_PROTOCOL) || !token) {
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        `Offer the subprotocols ${LIVE_PROTOCOL} and ${LIVE_AUTH_PROTOCOL_PREFIX}<token>`,
      );
    }
    try {
      const claims = app.tokens.verify(token);
      request.user = { id: claims.userId, username: claims.username, bot: claims.bot };
      request.liveTokenExpiresAt = claims.expiresAt;
    } catch {
      throw new ApiError(401, 'UNAUTHORIZED', 'A valid token is required');
    }
    // A well-signed token of an account deleted since: refused like any bad token (401). While the database
    // is away the account cannot be looked up: the connection is let in, and its subscriptions are told
    // to come back (TryAgainLater) until the database returns, as every client's are.
    await findMe(request.em, request.user.id).catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) throw error;
    });
    if (hub.connectionsOf(request.user.id) >= options.maxConnectionsPerUser) {
      throw new ApiError(
        429,
        'TOO_MANY_CONNECTIONS',
        `At most ${options.maxConnectionsPerUser} live connections per user`,
      );
    }
  };
}
