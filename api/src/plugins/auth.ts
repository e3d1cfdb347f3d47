// Bearer-token authentication. `authenticate` requires a valid token; `identify` reads one if present.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
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
}

const unauthorized = () => new ApiError(401, 'UNAUTHORIZED', 'A valid bearer token is required');

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
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
        const id = Number(claims.sub);
        if (!Number.isSafeInteger(id)) throw unauthorized();
        return { id, username: claims.username, bot: claims.bot };
      } catch {
        throw unauthorized();
      }
    };

    app.decorate('authenticate', async (request: FastifyRequest) => {
      request.user = readUser(request);
      if (!request.user) throw unauthorized();
    });
    app.decorate('identify', async (request: FastifyRequest) => {
      request.user = readUser(request);
    });
  },
  { name: 'auth' },
);
