// The one client of the REST API, typed by the API's own shapes (@flock/shared). Every call goes through
// `request`, which adds the token, turns errors into ApiError and reports a rejected token once.
import type {
  AccountPage,
  AccountPageQuery,
  Activity,
  ActivityWindow,
  AuthResponse,
  ErrorBody,
  FeedQuery,
  FollowState,
  HomeQuery,
  LikeState,
  LoginBody,
  Me,
  Message,
  MessagePage,
  PostMessageBody,
  Profile,
  RegisterBody,
  Thread,
  ThreadQuery,
  TrendingTag,
  UpdateProfileBody,
} from '@flock/shared/api';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { field: string; message: string }[];
  /** When the API said how long to wait before trying again (`Retry-After`, in seconds). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    details: ApiError['details'] = [],
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The message the API gave for one field, if it named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((detail) => detail.field === field)?.message;
  }
}

/** `Retry-After` as seconds; the HTTP-date form is not one the API sends. */
const retryAfter = (header: string | null) => (header && /^\d+$/.test(header) ? Number(header) : undefined);

export interface ApiClientOptions {
  /** The current token, read on every call. */
  token: () => string | undefined;
  /** Called when the API rejects the token of an authenticated call (expired, revoked, tampered). */
  onUnauthorized: () => void;
  baseUrl?: string;
}

type Query = Record<string, string | number | undefined>;

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  register(body: RegisterBody) {
    return this.#request<AuthResponse>('POST', '/api/auth/register', { body, anonymous: true });
  }

  login(body: LoginBody) {
    return this.#request<AuthResponse>('POST', '/api/auth/login', { body, anonymous: true });
  }

  me(signal?: AbortSignal) {
    return this.#request<Me>('GET', '/api/users/me', { signal });
  }

  profile(username: string, signal?: AbortSignal) {
    return this.#request<Profile>('GET', `/api/users/${encodeURIComponent(username)}`, { signal });
  }

  updateProfile(username: string, body: UpdateProfileBody) {
    return this.#request<Profile>('PATCH', `/api/users/${encodeURIComponent(username)}`, { body });
  }

  /** Follows (following: true) or unfollows; either is idempotent. */
  follow(username: string, following: boolean) {
    return this.#request<FollowState>(
      following ? 'PUT' : 'DELETE',
      `/api/users/${encodeURIComponent(username)}/follow`,
    );
  }

  /** The accounts that follow `username` (`followers`), or that it follows (`following`). */
  accounts(username: string, list: 'followers' | 'following', query: AccountPageQuery, signal?: AbortSignal) {
    return this.#request<AccountPage>('GET', `/api/users/${encodeURIComponent(username)}/${list}`, {
      query: { ...query },
      signal,
    });
  }

  /** The signed-in reader's home timeline: the accounts they follow, and their own. */
  home(query: HomeQuery, signal?: AbortSignal) {
    return this.#request<MessagePage>('GET', '/api/timelines/home', { query: { ...query }, signal });
  }

  thread(id: string, query: ThreadQuery, signal?: AbortSignal) {
    return this.#request<Thread>('GET', `/api/messages/${encodeURIComponent(id)}/thread`, {
      query: { ...query },
      signal,
    });
  }

  feed(query: FeedQuery, signal?: AbortSignal) {
    return this.#request<MessagePage>('GET', '/api/messages', { query: { ...query }, signal });
  }

  post(body: PostMessageBody) {
    return this.#request<Message>('POST', '/api/messages', { body });
  }

  remove(id: string) {
    return this.#request<void>('DELETE', `/api/messages/${encodeURIComponent(id)}`);
  }

  like(id: string, liked: boolean) {
    return this.#request<LikeState>(liked ? 'PUT' : 'DELETE', `/api/messages/${encodeURIComponent(id)}/like`);
  }

  trending(query: { window?: string; limit?: number } = {}, signal?: AbortSignal) {
    return this.#request<TrendingTag[]>('GET', '/api/tags/trending', { query, signal });
  }

  activity(window: ActivityWindow, signal?: AbortSignal) {
    return this.#request<Activity>('GET', '/api/activity', { query: { window }, signal });
  }

  async #request<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query; signal?: AbortSignal | undefined; anonymous?: boolean } = {},
  ): Promise<T> {
    const url = new URL(path, this.#options.baseUrl ?? location.origin);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.anonymous ? undefined : this.#options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, 'NETWORK', 'Flock cannot be reached. Check your connection and try again.');
    }

    if (response.status === 204) return undefined as T;
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload as T;

    const error = (payload as ErrorBody | undefined)?.error;
    if (response.status === 401 && token) this.#options.onUnauthorized();
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? `The request failed (${response.status})`,
      error?.details,
      retryAfter(response.headers.get('retry-after')),
    );
  }
}
