import { AuthResponse, LoginBody, RegisterBody } from '@flock/shared';
import { authenticateUser, registerUser, toMe } from '../../services/users.ts';
import { errorResponses } from '../errors.ts';
import type { RoutePlugin } from '../types.ts';

const authRoutes: RoutePlugin<{ rateLimitMax: number }> = async (app, options) => {
  const perMinute = (keyGenerator: (request: { ip: string; body: unknown }) => string) => ({
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
      config: perMinute(
        (request) =>
          `login:${request.ip}:${String((request.body as { login?: unknown })?.login).toLowerCase()}`,
      ),
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
