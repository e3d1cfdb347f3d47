import { AuthResponse, LoginBody, RegisterBody } from '@flock/shared';
import type { FastifyRequest } from 'fastify';
import { accountIdFor, authenticateUser, registerUser, toMe } from '../../services/users.ts';
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

  const issue = (user: { id: number; username: string; bot: boolean; email: string; createdAt: Date }) => ({
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

  app.post(
    '/login',
    {
      // Per address and account: guessing one account's password is slow, other users are unaffected.
      // The account counts once whichever name it is given by (username or email, any case).
      config: perMinute(async (request) => {
        const login = String((request.body as { login?: unknown })?.login).toLowerCase();
        const id = await accountIdFor(request.em, login);
        return `login:${request.ip}:${id === undefined ? `unknown:${login}` : `account:${id}`}`;
      }),
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
