import { randomBytes } from 'node:crypto';
import type { AuthResponse, Message } from '@flock/shared';
import type { App } from '../../src/app.ts';

export interface TestUser {
  username: string;
  email: string;
  password: string;
  token: string;
  auth: { authorization: string };
}

export const uniqueName = (prefix = 'u') => `${prefix}_${randomBytes(5).toString('hex')}`;

export async function signUp(
  app: App,
  options: { username?: string; bot?: boolean } = {},
): Promise<TestUser> {
  const username = options.username ?? uniqueName();
  const body = {
    username,
    email: `${username}@example.test`,
    password: 'correct horse battery',
    bot: options.bot,
  };
  const response = await app.inject({ method: 'POST', url: '/api/auth/register', payload: body });
  if (response.statusCode !== 201)
    throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const { token } = response.json<AuthResponse>();
  return {
    username: username.toLowerCase(),
    email: body.email,
    password: body.password,
    token,
    auth: { authorization: `Bearer ${token}` },
  };
}

export async function post(app: App, user: TestUser, content: string, tags?: string[]): Promise<Message> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: user.auth,
    payload: tags ? { content, tags } : { content },
  });
  if (response.statusCode !== 201) throw new Error(`post failed: ${response.statusCode} ${response.body}`);
  return response.json<Message>();
}
