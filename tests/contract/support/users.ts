// Accounts for the checks: unique names, known passwords.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from './http.ts';

export interface Account {
  username: string;
  email: string;
  password: string;
  token: string;
}

let counter = 0;

export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}_${randomBytes(3).toString('hex')}${counter}`.slice(0, 30);
}

export async function register(
  client: Client,
  prefix = 'u',
  extra: Record<string, unknown> = {},
): Promise<Account> {
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const reply = await client.post('/api/auth/register', { username, email, password, ...extra });
  expect(reply.status, reply.text).toBe(201);
  return { username, email, password, token: reply.json.token as string };
}

export async function post(
  client: Client,
  account: Account,
  content: string,
  tags?: string[],
): Promise<{ id: string; tags: string[]; [key: string]: unknown }> {
  const reply = await client.post('/api/messages', tags ? { content, tags } : { content }, {
    token: account.token,
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.json;
}
