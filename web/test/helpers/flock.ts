// The system under test: the real API process (api/src/server.ts) on a fresh PostgreSQL database,
// serving the web app built by globalSetup; and Debian's Chromium driven by playwright-core.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AuthResponse, Message, UpdateProfileBody } from '@flock/shared';
import { startTestApi, type TestApi } from '@flock/testkit/test-api';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

export const screenshotDir = fileURLToPath(new URL('../../../.artifacts/screenshots/', import.meta.url));

/** The kit's test API, serving the built web app. */
export interface Flock extends TestApi {
  /** The API's JWT secret, to mint tokens the tests need (short-lived ones). */
  jwtSecret: string;
}

/** `env` adds to or overrides the API's settings for the test (e.g. a low rate limit). */
export async function startFlock(env: Record<string, string> = {}): Promise<Flock> {
  const jwtSecret = randomBytes(32).toString('hex');
  const api = await startTestApi({
    JWT_SECRET: jwtSecret,
    WEB_DIST: inject('webDist'),
    AUTH_RATE_LIMIT_MAX: '10000',
    SHUTDOWN_GRACE_MS: '1000',
    ...env,
  });
  return Object.assign(api, { jwtSecret });
}

export interface SystemUnderTest {
  readonly flock: Flock;
  /** Debian's Chromium (not launched with `{ browser: false }`). */
  readonly browser: Browser;
  /** The helpers below that take a Flock, for this one. */
  register(options?: RegisterOptions): Promise<User>;
  postMessage(user: User, content: string, tags?: string[]): Promise<Message>;
  likeMessage(user: User, id: string): Promise<unknown>;
  replyTo(user: User, id: string, content: string): Promise<Message>;
  follow(user: User, username: string): Promise<unknown>;
  updateProfile(user: User, body: UpdateProfileBody): Promise<unknown>;
  signedIn(context: BrowserContext, user: User, path?: string): Promise<Watched>;
}

/**
 * The system a test file drives: the API on a fresh database, and Chromium, started before the file's
 * tests and stopped after them. Call it at the top of the file; read its fields inside hooks and tests.
 */
export function systemUnderTest({
  browser: withBrowser = true,
  env = {},
}: {
  browser?: boolean;
  env?: Record<string, string>;
} = {}): SystemUnderTest {
  let flock: Flock | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [flock, browser] = await Promise.all([startFlock(env), withBrowser ? launchBrowser() : undefined]);
  });
  afterAll(async () => {
    await browser?.close();
    await flock?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: read it in a hook or a test`);
    return value;
  };
  return {
    get flock() {
      return started(flock, 'The API');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    register(options) {
      return register(this.flock, options);
    },
    postMessage(user, content, tags) {
      return postMessage(this.flock, user, content, tags);
    },
    likeMessage(user, id) {
      return likeMessage(this.flock, user, id);
    },
    replyTo(user, id, content) {
      return call<Message>(this.flock, 'POST', '/api/messages', user.token, { content, inReplyTo: id });
    },
    follow(user, username) {
      return call(this.flock, 'PUT', `/api/users/${username}/follow`, user.token);
    },
    updateProfile(user, body) {
      return call(this.flock, 'PATCH', `/api/users/${user.username}`, user.token, body);
    },
    signedIn(context, user, path) {
      return signedIn(this.flock, context, user, path);
    },
  };
}

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

export const desktop = { width: 1440, height: 900 };
export const phone = { width: 390, height: 844 };

// ---- the API, as another client would use it ----

/** Where a Flock answers: the test's own API, or one `npm start` runs. */
export type Site = Pick<Flock, 'url'>;

export interface User {
  username: string;
  password: string;
  token: string;
  auth: AuthResponse;
}

let counter = 0;
export const uniqueName = (prefix = 'user') =>
  `${prefix}_${process.pid.toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

async function call<T>(
  flock: Site,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(new URL(path, flock.url), {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export interface RegisterOptions {
  username?: string;
  bot?: boolean;
}

export async function register(flock: Site, options: RegisterOptions = {}) {
  const username = options.username ?? uniqueName();
  const password = 'correct horse battery';
  const auth = await call<AuthResponse>(flock, 'POST', '/api/auth/register', undefined, {
    username,
    email: `${username}@example.test`,
    password,
    bot: options.bot ?? false,
  });
  return { username, password, token: auth.token, auth } satisfies User;
}

export const postMessage = (flock: Site, user: User, content: string, tags?: string[]) =>
  call<Message>(flock, 'POST', '/api/messages', user.token, tags ? { content, tags } : { content });

export const likeMessage = (flock: Site, user: User, id: string) =>
  call(flock, 'PUT', `/api/messages/${id}/like`, user.token);

// ---- pages ----

export interface Watched {
  page: Page;
  /** Uncaught page errors and CSP violations: a test expects none. */
  problems: string[];
  dialogs: string[];
}

/** A page that records dialogs (dismissed), uncaught errors and Content-Security-Policy violations. */
export async function openPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const watched: Watched = { page, problems: [], dialogs: [] };
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) watched.problems.push(message.text());
  });
  page.on('dialog', (dialog) => {
    watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return watched;
}

/**
 * Signs `user` in by storing the session the way the app does, then opens `path`: by default the public
 * timeline, where everyone's messages are (Home, `/`, has only the accounts the user follows).
 */
export async function signedIn(flock: Site, context: BrowserContext, user: User, path = '/public') {
  const watched = await openPage(context);
  await watched.page.goto(new URL('/login', flock.url).toString());
  await watched.page.evaluate((session) => localStorage.setItem('flock.session', JSON.stringify(session)), {
    token: user.token,
    user: user.auth.user,
  });
  await watched.page.goto(new URL(path, flock.url).toString());
  return watched;
}

const BUSY_MESSAGE = 'Flock is busy: try again in a moment.';

/** From now on the page's likes are answered 503 (as an overloaded API would), in the one error shape. */
export function failLikes(page: Page) {
  return page.route('**/api/messages/*/like', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'OVERLOADED', message: BUSY_MESSAGE } }),
    }),
  );
}

/** Waits until the live indicator says the connection is up. */
export async function waitLive(page: Page) {
  await page.locator('flock-connection-status[status="live"]').waitFor({ timeout: 15_000 });
}

export async function screenshot(page: Page, name: string) {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: false });
}

/** The message ids shown in a page's feed, top to bottom. */
export function shownContents(page: Page) {
  return page.locator('flock-message .content').allTextContents();
}
