// Bearer-token authentication. `authenticate` requires a valid token; `identify` reads one if present.
// A token counts only while its account exists: a well-signed token of a deleted account is refused like
// a forged one, on every route. The lookup is one primary-key read; routes whose own statement already fails for
// a missing account (and answers 401 then) set `accountCheckedByRoute` and skip it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { accountExists } from '../db/repositories/users.ts';
import { ApiError } from '../domain/api-error.ts';
import type { TokenService } from '../domain/tokens.ts';

export interface AuthUser {
  id: number;
  username: string;
  bot: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    tokens: TokenService;
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    identify(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
  interface FastifyRequest {
    user: AuthUser | null;
  }
  interface FastifyContextConfig {
    /** The route's own statement finds a deleted account and answers 401: no lookup beforehand. */
    accountCheckedByRoute?: boolean;
  }
}

const unauthorized = () => new ApiError(401, 'UNAUTHORIZED', 'A valid bearer token is required');
const accountGone = () => new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  // The scheme's name is case-insensitive (RFC 9110), the token is not.
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized();
  return match[1];
}

export default fp(
  async function auth(app: FastifyInstance, options: { tokens: TokenService }) {
    app.decorate('tokens', options.tokens);
    app.decorateRequest('user', null);

    const readUser = (request: FastifyRequest): AuthUser | null => {
      const token = bearerToken(request);
      if (token === undefined) return null;
      try {
        const claims = options.tokens.verify(token);
        return { id: claims.userId, username: claims.username, bot: claims.bot };
      } catch {
        throw unauthorized();
      }
    };

    const ensureAccountExists = async (request: FastifyRequest, user: AuthUser) => {
      if (request.routeOptions.config.accountCheckedByRoute) return;
      if (!(await accountExists(request.em, user.id))) throw accountGone();
    };

    app.decorate('authenticate', async (request: FastifyRequest) => {
      const user = readUser(request);
      if (!user) throw unauthorized();
      await ensureAccountExists(request, user);
      request.user = user;
    });
    app.decorate('identify', async (request: FastifyRequest) => {
      const user = readUser(request);
      if (user) await ensureAccountExists(request, user);
      request.user = user;
    });
  },
  { name: 'auth' },
);
