// An in-memory stand-in for the Flock API behind a `fetch`, answering through microtasks only so it runs
// under the fake clock. It keeps what the real API keeps (accounts, messages, likes, follows, replies)
// plus a log of
// every request with its simulated time, and can be told to fail: down (connection refused), 5xx, 429
// with Retry-After, or tokens that expire.
import type { Message } from '@flock/shared';
import type { Fetch } from '../../src/api-client.ts';
import type { Clock } from '../../src/clock.ts';

export interface Call {
  at: number;
  method: string;
  path: string;
  user: string | null;
  status: number;
  body: Record<string, unknown> | undefined;
}

interface StoredMessage {
  id: string;
  author: string;
  content: string;
  tags: string[];
  likes: Set<string>;
  inReplyTo: string | null;
  replyCount: number;
}

export interface FakeApiOptions {
  clock: Clock;
  /** Answer for a request before it is handled: 'down' refuses the connection, a number is a status. */
  fault?: (call: {
    at: number;
    method: string;
    path: string;
    body: Record<string, unknown> | undefined;
  }) => 'down' | number | undefined;
  /** Retry-After (seconds) sent with injected 429 and 503 answers. */
  retryAfterSeconds?: number;
  /** Tokens stop working this long after they were issued. */
  tokenTtlMs?: number;
}

interface FakeResponse {
  ok: boolean;
  status: number;
  headers: Headers;
  text(): Promise<string>;
}

export class FakeApi {
  readonly calls: Call[] = [];
  readonly users = new Map<string, { password: string; bot: boolean }>();
  readonly messages: StoredMessage[] = [];
  /** Follower → the accounts it follows. */
  readonly follows = new Map<string, Set<string>>();
  #byId = new Map<string, StoredMessage>();
  #tokens = new Map<string, { user: string; issuedAt: number }>();
  #options: FakeApiOptions;
  #nextId = 1;

  constructor(options: FakeApiOptions) {
    this.#options = options;
  }

  readonly fetch: Fetch = async (input, init) => {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    const at = this.#options.clock.now();
    const body =
      typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    const fault = this.#options.fault?.({ at, method, path: url.pathname, body });
    if (fault === 'down') {
      this.calls.push({ at, method, path: url.pathname, user: null, status: 0, body: undefined });
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }
    const user = this.#authenticate(new Headers(init.headers).get('authorization'));
    const [status, payload, headers] =
      fault !== undefined
        ? [fault, { error: { code: 'INJECTED', message: 'injected' } }, this.#retryAfter(fault)]
        : this.#handle(method, url, body, user);
    this.calls.push({ at, method, path: url.pathname, user, status, body });
    return this.#respond(status, payload, headers) as unknown as Response;
  };

  #retryAfter(status: number): Record<string, string> {
    const seconds = this.#options.retryAfterSeconds;
    return (status === 429 || status === 503) && seconds !== undefined
      ? { 'retry-after': String(seconds) }
      : {};
  }

  #respond(status: number, payload: unknown, headers: Record<string, string> = {}): FakeResponse {
    const text = JSON.stringify(payload);
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: new Headers(headers),
      text: async () => text,
    };
  }

  #authenticate(header: string | null): string | null {
    const token = header?.replace(/^Bearer /, '');
    const session = token ? this.#tokens.get(token) : undefined;
    if (!session) return null;
    const ttl = this.#options.tokenTtlMs;
    if (ttl !== undefined && this.#options.clock.now() - session.issuedAt >= ttl) return null;
    return session.user;
  }

  #issue(username: string) {
    const token = `t${this.#tokens.size + 1}_${username}`;
    this.#tokens.set(token, { user: username, issuedAt: this.#options.clock.now() });
    const account = this.users.get(username)!;
    return { token, user: { username, email: `${username}@x`, bot: account.bot, createdAt: '' } };
  }

  #handle(
    method: string,
    url: URL,
    body: Record<string, unknown> | undefined,
    user: string | null,
  ): [number, unknown, Record<string, string>?] {
    const route = `${method} ${url.pathname.replace(/\/\d+\//, '/:id/').replace(/^\/api\/users\/[^/]+\//, '/api/users/:username/')}`;
    const unauthorized: [number, unknown] = [401, { error: { code: 'UNAUTHORIZED', message: 'no' } }];
    switch (route) {
      case 'POST /api/auth/register': {
        const username = String(body?.username);
        if (this.users.has(username)) return [409, { error: { code: 'CONFLICT', message: 'taken' } }];
        this.users.set(username, { password: String(body?.password), bot: body?.bot === true });
        return [201, this.#issue(username)];
      }
      case 'POST /api/auth/login': {
        const account = this.users.get(String(body?.login));
        if (!account || account.password !== body?.password) return unauthorized;
        return [200, this.#issue(String(body?.login))];
      }
      case 'POST /api/messages': {
        if (!user) return unauthorized;
        const inReplyTo = typeof body?.inReplyTo === 'string' ? body.inReplyTo : null;
        const parent = inReplyTo === null ? undefined : this.#byId.get(inReplyTo);
        if (inReplyTo !== null && !parent)
          return [
            422,
            {
              error: {
                code: 'VALIDATION',
                message: 'no',
                fields: [{ field: 'inReplyTo', message: 'no such message' }],
              },
            },
          ];
        const message: StoredMessage = {
          id: String(this.#nextId++),
          author: user,
          content: String(body?.content),
          tags: body?.tags as string[],
          likes: new Set(),
          inReplyTo,
          replyCount: 0,
        };
        if (parent) parent.replyCount++;
        this.messages.push(message);
        this.#byId.set(message.id, message);
        return [201, this.#view(message, user)];
      }
      case 'PUT /api/messages/:id/like': {
        if (!user) return unauthorized;
        const message = this.#byId.get(url.pathname.split('/')[3] ?? '');
        if (!message) return [404, { error: { code: 'NOT_FOUND', message: 'no' } }];
        message.likes.add(user);
        return [200, { likeCount: message.likes.size, likedByMe: true }];
      }
      case 'PUT /api/users/:username/follow': {
        if (!user) return unauthorized;
        const followee = decodeURIComponent(url.pathname.split('/')[3] ?? '');
        if (!this.users.has(followee)) return [404, { error: { code: 'NOT_FOUND', message: 'no' } }];
        if (followee === user) return [422, { error: { code: 'CANNOT_FOLLOW_SELF', message: 'no' } }];
        const following = this.follows.get(user) ?? new Set<string>();
        following.add(followee);
        this.follows.set(user, following);
        const followerCount = [...this.follows.values()].filter((set) => set.has(followee)).length;
        return [200, { following: true, followerCount }];
      }
      case 'GET /api/messages': {
        const limit = Number(url.searchParams.get('limit') ?? 20);
        const items = this.messages.slice(-limit).reverse();
        return [200, { items: items.map((m) => this.#view(m, user)), next: null }];
      }
      default:
        return [404, { error: { code: 'NOT_FOUND', message: route } }];
    }
  }

  #view(message: StoredMessage, viewer: string | null): Message {
    return {
      id: message.id,
      author: { username: message.author, displayName: null, bot: true },
      content: message.content,
      tags: message.tags,
      likeCount: message.likes.size,
      likedByMe: viewer !== null && message.likes.has(viewer),
      inReplyTo: message.inReplyTo,
      replyCount: message.replyCount,
      createdAt: '',
    };
  }

  /** Requests of one kind that the API accepted, in time order. */
  accepted(method: string, pathPattern: RegExp): Call[] {
    return this.calls.filter((c) => c.method === method && pathPattern.test(c.path) && c.status < 300);
  }
}
