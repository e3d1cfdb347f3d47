import { AuthResponse, LoginBody, RegisterBody } from '@flock/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/api-error.ts';
import { type Account, accountIdFor, authenticateUser, registerUser, toMe } from '../../services/users.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const authRoutes: RoutePlugin<{ rateLimitMax: number }> = async (app, options) => {
  const perMinute = (keyGenerator: (request: FastifyRequest) => string | Promise<string>) => ({
    // After body parsing (preHandler): the login key includes the account named in the body.
    rateLimit: {
      max: options.rateLimitMax,
      timeWindow: '1 minute',
      keyGenerator,
      hook: 'preHandler' as const,
    },
  });

  const issue = (user: Account) => ({
    token: app.tokens.sign({ sub: String(user.id), username: user.username, bot: user.bot }),
    user: toMe(user),
  });

  app.post(
    '/register',
    {
      config: perMinute((request) => `register:${request.ip}`),
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: AuthResponse, ...errorResponses(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = await registerUser(request.em, request.body);
      app.metrics.usersRegistered.inc({ source: user.bot ? 'bot' : 'human' });
      return reply.code(201).send(issue(user));
    },
  );

  // Logins are limited twice: per address, whatever accounts it tries (one machine stuffing stolen
  // passwords), and per account, from whatever addresses (many machines guessing one password). The
  // account counts once whichever name it is given by (username or email, any case); a flood on one
  // account leaves the others alone.
  const perAccount = app.createRateLimit({
    max: options.rateLimitMax,
    timeWindow: '1 minute',
    keyGenerator: async (request) => {
      const login = (request.body as { login: string }).login.toLowerCase();
      const id = await accountIdFor(request.em, login);
      return `login-account:${id === undefined ? `unknown:${login}` : id}`;
    },
  });
  const limitPerAccount = async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await perAccount(request);
    // (`isAllowed` is true only for an allow-listed key; a counted one is over when it exceeds the max.)
    if (limit.isAllowed || !limit.isExceeded) return;
    reply.header('retry-after', limit.ttlInSeconds);
    throw new ApiError(
      429,
      'RATE_LIMITED',
      `Too many logins to this account, retry in ${limit.ttlInSeconds} s`,
    );
  };

  app.post(
    '/login',
    {
      config: perMinute((request) => `login-address:${request.ip}`),
      preHandler: limitPerAccount,
      schema: {
        tags: ['auth'],
        summary: 'Log in with a username or email',
        body: LoginBody,
        response: { 200: AuthResponse, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => issue(await authenticateUser(request.em, request.body.login, request.body.password)),
  );
};

export default authRoutes;
