// HTTP as a client speaks it, with the two rules every answer must keep: a 2xx body fits the documented
// response schema, and an error has the one shape `{error: {code, message, details?}}`.
import { expect } from 'vitest';
import type { Api } from './openapi.ts';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: checks read the fields they assert on; the schema check vouches for the rest
  json: any;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as it is, instead of `body` as JSON. */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function send(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The one error shape, with the status among the given ones when they are given. */
export function expectError(reply: Reply, statuses?: number | number[], what = ''): void {
  const label = `${what} → ${reply.status} ${reply.text.slice(0, 300)}`;
  if (statuses !== undefined) expect([statuses].flat(), label).toContain(reply.status);
  expect(reply.status, label).toBeGreaterThanOrEqual(400);
  expect(reply.json, `${label}: not JSON`).toBeTypeOf('object');
  expect(reply.json, label).not.toBeNull();
  expect(Object.keys(reply.json), label).toEqual(['error']);
  const error = reply.json.error;
  expect(error?.code, label).toBeTypeOf('string');
  expect(error?.message, label).toBeTypeOf('string');
  expect(
    Object.keys(error).every((key) => ['code', 'message', 'details'].includes(key)),
    label,
  ).toBe(true);
  if ('details' in error) expect(Array.isArray(error.details), label).toBe(true);
}

/** A client bound to one replica, checking each answer against the document as it goes. */
export class Client {
  readonly base: string;
  readonly api: Api;

  constructor(base: string, api: Api) {
    this.base = base;
    this.api = api;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const reply = await send(this.base, method, path, options);
    const op = this.api.match(method, path);
    const label = `${method} ${path} → ${reply.status} ${reply.text.slice(0, 300)}`;
    if (op && reply.status >= 200 && reply.status < 300) {
      expect(op.statuses, `${label}: status not documented`).toContain(reply.status);
      if (this.api.responseSchema(op, reply.status)) {
        expect(
          this.api.check(op, reply.status, reply.json),
          `${label}: does not fit the documented schema`,
        ).toBe(undefined);
      } else {
        expect(reply.text, `${label}: documented without a body`).toBe('');
      }
    }
    if (reply.status >= 400) expectError(reply, undefined, `${method} ${path}`);
    expect(reply.text, `${label}: a stack trace reached the client`).not.toMatch(/\n\s+at .+:\d+:\d+/);
    return reply;
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body: unknown, options?: RequestOptions) =>
    this.request('POST', path, { ...options, body });
  put = (path: string, options?: RequestOptions) => this.request('PUT', path, options);
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);
}

/** The details of a 400 name the field: some entry's `field` mentions it. */
export function expectNamesField(reply: Reply, field: string, what = ''): void {
  const details: { field?: string; message?: string }[] = reply.json?.error?.details ?? [];
  expect(
    details.some((detail) => String(detail.field ?? '').includes(field)),
    `${what}: details should name "${field}": ${reply.text.slice(0, 400)}`,
  ).toBe(true);
}
