// Accounts made as a client makes them: POST /api/auth/register on a running API.

export interface Account {
  username: string;
  token: string;
}

export interface RegisterOptions {
  /** A fresh `<prefix>_<random>` unless told. */
  username?: string;
  prefix?: string;
  /** `<username>@example.test` unless told. */
  email?: string;
  password?: string;
}

/**
 * Registers a user and returns its token; throws unless the API answers 201. A 503 (the API shedding load)
 * is retried after its Retry-After, a few times, as a client should.
 */
export async function register(baseUrl: string, options: RegisterOptions = {}): Promise<Account> {
  const username = options.username ?? `${options.prefix ?? 'u'}_${Math.random().toString(36).slice(2, 12)}`;
  const body = JSON.stringify({
    username,
    email: options.email ?? `${username}@example.test`,
    password: options.password ?? 'long enough password',
  });
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (response.status === 503 && attempt < 5) {
      await response.body?.cancel();
      await new Promise((resolve) =>
        setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000),
      );
      continue;
    }
    if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
    return { username, token: ((await response.json()) as { token: string }).token };
  }
}
