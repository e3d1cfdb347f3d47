// The few API calls a bot makes, over `fetch`, with every failure sorted into the handful of kinds a
// bot reacts to differently. `fetch` is injected so tests can put an in-memory API behind it.
import type { AuthResponse, FollowState, LikeState, Message, MessagePage } from '@flock/shared';
import { parseRetryAfter } from './backoff.ts';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Why a request did not succeed; each kind has its own reaction in the bot. */
export type FailureKind =
  | 'rate_limited' // 429: wait for Retry-After
  | 'unauthorized' // 401: log in again
  | 'conflict' // 409: the account exists, log in
  | 'rejected' // another 4xx: this request will never work as it is
  | 'server_error' // 5xx: back off
  | 'network_error' // refused, reset, timed out: back off
  | 'aborted'; // the agent is stopping

export class RequestFailure extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  /** From a Retry-After header, when the response had one. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: FailureKind, message: string, status?: number, retryAfterMs?: number) {
    super(message);
    this.name = 'RequestFailure';
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  fetch: Fetch;
  /** Each request is abandoned after this long (a network error). */
  timeoutMs: number;
  /** Aborts every request in flight: the agent's hard stop. */
  signal: AbortSignal;
  userAgent: string;
}

export interface ApiClient {
  register(body: { username: string; email: string; password: string }): Promise<AuthResponse>;
  login(body: { login: string; password: string }): Promise<AuthResponse>;
  /** A post, or a reply when `inReplyTo` is set. */
  post(token: string, body: { content: string; tags: string[]; inReplyTo?: string }): Promise<Message>;
  like(token: string, messageId: string): Promise<LikeState>;
  follow(token: string, username: string): Promise<FollowState>;
  feed(token: string, limit: number): Promise<MessagePage>;
}

function kindOf(status: number): FailureKind {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'unauthorized';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server_error';
  return 'rejected';
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': options.userAgent };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // One controller per request, released when it ends: AbortSignal.timeout would keep a timer for
    // the whole timeout after every request, and AbortSignal.any would hang a dependent on the agent's
    // long-lived signal; with a thousand bots both add up.
    const controller = new AbortController();
    const abort = () => controller.abort();
    const timer = setTimeout(abort, options.timeoutMs);
    options.signal.addEventListener('abort', abort, { once: true });
    if (options.signal.aborted) controller.abort();
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: controller.signal,
      });
      // Read the body under the same signal: a server that stalls mid-body is a network error too.
      text = await response.text();
    } catch (error) {
      if (options.signal.aborted) throw new RequestFailure('aborted', `${method} ${path}: stopped`);
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const reason = cause ?? (error as Error).name ?? 'error';
      throw new RequestFailure('network_error', `${method} ${path}: ${reason}`);
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', abort);
    }
    if (response.ok) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new RequestFailure('server_error', `${method} ${path}: invalid JSON`, response.status);
      }
    }
    let detail = '';
    try {
      detail = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? '';
    } catch {
      // Not our API's error shape (a proxy's HTML page): the status says enough.
    }
    throw new RequestFailure(
      kindOf(response.status),
      `${method} ${path}: ${response.status}${detail ? ` ${detail}` : ''}`,
      response.status,
      parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    );
  }

  return {
    register: (body) => call('POST', '/api/auth/register', null, { ...body, bot: true }),
    login: (body) => call('POST', '/api/auth/login', null, body),
    post: (token, body) => call('POST', '/api/messages', token, body),
    like: (token, id) => call('PUT', `/api/messages/${encodeURIComponent(id)}/like`, token),
    follow: (token, username) => call('PUT', `/api/users/${encodeURIComponent(username)}/follow`, token),
    feed: (token, limit) => call('GET', `/api/messages?limit=${limit}`, token),
  };
}
