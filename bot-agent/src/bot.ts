// One simulated user. It signs in (register, or log in when the name is taken), then acts as one
// Poisson process of rate posts + likes + follows + replies per hour whose events are of each kind in
// proportion: the superposition of four Poisson processes, so each kind keeps its own rate while a bot
// needs only one timer. Trouble is handled here: 429 waits for Retry-After, 5xx and network errors back
// off, 401 logs in again.
import { type ApiClient, type FailureKind, RequestFailure } from './api-client.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { BotIdentity } from './identity.ts';
import type { Logger } from './log.ts';
import type { ActionKind, AgentMetrics } from './metrics.ts';
import { botSeed, createRandom, type Random } from './random.ts';
import type { Semaphore } from './semaphore.ts';
import { composeMessage } from './words.ts';

export interface BotBehavior {
  postsPerHour: number;
  likesPerHour: number;
  followsPerHour: number;
  repliesPerHour: number;
  jitterPercent: number;
  tagPool: readonly string[];
  feedRefreshMs: number;
  backoff: BackoffPolicy;
}

export interface BotDeps {
  identity: BotIdentity;
  behavior: BotBehavior;
  seed: string;
  api: ApiClient;
  clock: Clock;
  metrics: AgentMetrics;
  log: Logger;
  /** Shared by the swarm: bounds sign-ins in flight. */
  authGate: Semaphore;
  /** Aborts when the agent stops: ends every sleep and wait. */
  signal: AbortSignal;
}

/** Messages a bot reads per feed refresh (the API allows up to 100). */
export const FEED_LIMIT = 50;
const HOUR_MS = 3_600_000;
/** The soonest a bot with nothing left to like (or follow, or reply to) reads the feed again. */
const MIN_REFRESH_MS = 5_000;
/** After a slow request the schedule may run late; it never catches up by more than this burst. */
const MAX_LAG_MS = 10_000;
/** Spread of the extra wait after a Retry-After, so bots told the same time do not return together. */
const RETRY_AFTER_SPREAD_MS = 1_000;

/** The bot cannot go on (its name belongs to an account with another password, or the API refuses it). */
class BotRetired extends Error {}

type Kind = 'post' | 'like' | 'follow' | 'reply';

export class Bot {
  readonly username: string;
  /** Per-bot rates after jitter, in events per millisecond. */
  readonly postRate: number;
  readonly likeRate: number;
  readonly followRate: number;
  readonly replyRate: number;

  #deps: BotDeps;
  // Separate streams, so the schedule and the words of a seeded run do not depend on what the API
  // answered (which message there was to like, how many retries an outage cost).
  #schedule: Random;
  #words: Random;
  #chance: Random;
  #token = '';
  #failures = 0;
  /** Ids of recent messages by others, from the last feed read; and the ones this bot has liked. */
  #seen: string[] = [];
  #liked = new Set<string>();
  /** Of those messages, the ones this bot has replied to (one reply each, like a person in a thread). */
  #replied = new Set<string>();
  /** Authors of others' messages in the last feed read, each once; and the accounts this bot follows. */
  #authors: string[] = [];
  #followed = new Set<string>();
  #lastRead = Number.NEGATIVE_INFINITY;

  constructor(deps: BotDeps) {
    this.#deps = deps;
    this.username = deps.identity.username;
    const seed = botSeed(deps.seed, deps.identity.username);
    this.#schedule = createRandom(`${seed}/schedule`);
    this.#words = createRandom(`${seed}/words`);
    this.#chance = createRandom(`${seed}/chance`);
    // Mean 1, so a swarm's total stays at the configured rate while its bots differ.
    const jitter = deps.behavior.jitterPercent / 100;
    const factor = 1 + jitter * (2 * this.#schedule.next() - 1);
    this.postRate = (deps.behavior.postsPerHour * factor) / HOUR_MS;
    this.likeRate = (deps.behavior.likesPerHour * factor) / HOUR_MS;
    this.followRate = (deps.behavior.followsPerHour * factor) / HOUR_MS;
    this.replyRate = (deps.behavior.repliesPerHour * factor) / HOUR_MS;
  }

  /** Runs until the agent stops (or the bot cannot sign in for good). Never rejects. */
  async run(): Promise<void> {
    const { metrics, log } = this.#deps;
    try {
      if (!(await this.#signIn('register'))) return;
    } catch (error) {
      if (!(error instanceof BotRetired)) throw error;
      return;
    }
    metrics.botsActive.inc();
    log.debug('bot signed in', { bot: this.username });
    try {
      await this.#loop();
    } catch (error) {
      // Logged where it happened; the other bots carry on.
      if (!(error instanceof BotRetired)) throw error;
    } finally {
      metrics.botsActive.dec();
    }
  }

  async #loop(): Promise<void> {
    const { clock, signal } = this.#deps;
    const total = this.postRate + this.likeRate + this.followRate + this.replyRate;
    if (total <= 0) {
      // Nothing to do at a zero rate, but the bot stays signed in (and counted) until the agent stops.
      while (!signal.aborted) await clock.sleep(HOUR_MS, signal);
      return;
    }
    let nextAt = clock.now() + this.#schedule.exponential(total);
    while (!signal.aborted) {
      await this.#sleepUntil(nextAt);
      if (signal.aborted) return;
      const kind = this.#pickKind(this.#schedule.next() * total);
      const pauseMs = await this.#act(kind);
      if (pauseMs > 0) {
        await this.#pause(pauseMs);
        // A Poisson process has no memory: after a pause it simply starts again from now.
        nextAt = clock.now();
      }
      nextAt = Math.max(nextAt, clock.now() - MAX_LAG_MS) + this.#schedule.exponential(total);
    }
  }

  /**
   * The kind of an event at `point` in [0, total): the rates laid end to end. Posts and likes come
   * first, so at zero follows and replies a seeded run makes the choices it made before they existed.
   */
  #pickKind(point: number): Kind {
    // The last kind with a rate takes whatever lies past the edges (rounding), as 'like' always did.
    let edge = this.postRate;
    if (point < edge) return 'post';
    edge += this.likeRate;
    if (point < edge || this.followRate + this.replyRate === 0) return 'like';
    edge += this.followRate;
    if (point < edge || this.replyRate === 0) return 'follow';
    return 'reply';
  }

  /** Does one action; answers how long to wait before the next (0: keep to the schedule). */
  async #act(kind: Kind): Promise<number> {
    try {
      if (kind === 'post') await this.#post();
      else if (kind === 'like') await this.#like();
      else if (kind === 'follow') await this.#follow();
      else await this.#reply();
      this.#failures = 0;
      return 0;
    } catch (error) {
      if (!(error instanceof RequestFailure)) throw error;
      return this.#delayAfter(error, kind);
    }
  }

  async #post(): Promise<void> {
    const { behavior, api } = this.#deps;
    const count = Math.min(behavior.tagPool.length, this.#words.int(1, 3));
    const tags = this.#words.sample(behavior.tagPool, count);
    const content = composeMessage(this.#words, tags);
    await this.#withToken((token) => this.#request('post', () => api.post(token, { content, tags })));
  }

  async #like(): Promise<void> {
    const { api } = this.#deps;
    const id = await this.#choose('like', () => this.#seen.filter((id) => !this.#liked.has(id)));
    if (id === undefined) return;
    // Remembered before sending: whatever happens to the request, this bot never sends it twice.
    this.#liked.add(id);
    await this.#withToken((token) => this.#request('like', () => api.like(token, id)));
  }

  async #follow(): Promise<void> {
    const { api } = this.#deps;
    const username = await this.#choose('follow', () => this.#authors.filter((a) => !this.#followed.has(a)));
    if (username === undefined) return;
    // As with likes: never sent twice by this process. (After a restart it may follow someone again;
    // PUT follow is idempotent, so that stores nothing new.)
    this.#followed.add(username);
    await this.#withToken((token) => this.#request('follow', () => api.follow(token, username)));
  }

  async #reply(): Promise<void> {
    const { api, behavior } = this.#deps;
    const inReplyTo = await this.#choose('reply', () => this.#seen.filter((id) => !this.#replied.has(id)));
    if (inReplyTo === undefined) return;
    this.#replied.add(inReplyTo);
    const count = Math.min(behavior.tagPool.length, this.#words.int(1, 3));
    const tags = this.#words.sample(behavior.tagPool, count);
    const content = composeMessage(this.#words, tags, 'reply');
    // A message deleted since the read is a 422 (no such message): dropped like any other refusal.
    await this.#withToken((token) =>
      this.#request('reply', () => api.post(token, { content, tags, inReplyTo })),
    );
  }

  /**
   * One of `candidates()` (from the bot's copy of the feed) to act on, or undefined (counted as
   * skipped) when there is none. Re-reads the feed when the copy is stale, or sooner when it holds
   * nothing left to act on (but not on every action: a quiet feed should not turn each into a read).
   */
  async #choose(kind: 'like' | 'follow' | 'reply', candidates: () => string[]): Promise<string | undefined> {
    const { clock, behavior, metrics } = this.#deps;
    const age = clock.now() - this.#lastRead;
    let choices = candidates();
    if (age >= behavior.feedRefreshMs || (choices.length === 0 && age >= MIN_REFRESH_MS)) {
      await this.#readFeed();
      choices = candidates();
    }
    if (choices.length === 0) {
      metrics.actions.inc({ kind, outcome: 'skipped' });
      return undefined;
    }
    return this.#chance.pick(choices);
  }

  async #readFeed(): Promise<void> {
    const { api, clock } = this.#deps;
    const page = await this.#withToken((token) => this.#request('read', () => api.feed(token, FEED_LIMIT)));
    this.#lastRead = clock.now();
    this.#seen = [];
    const liked = new Set<string>();
    const replied = new Set<string>();
    const authors = new Set<string>();
    for (const message of page.items) {
      if (message.author.username === this.username) continue;
      this.#seen.push(message.id);
      authors.add(message.author.username);
      // The server's `likedByMe` covers likes from before a restart; keeping only ids still in view
      // bounds the set to the page size.
      if (message.likedByMe || this.#liked.has(message.id)) liked.add(message.id);
      if (this.#replied.has(message.id)) replied.add(message.id);
    }
    this.#liked = liked;
    this.#replied = replied;
    this.#authors = [...authors];
  }

  /** Runs `send` with the session token; on 401 signs in again and tries once more. */
  async #withToken<T>(send: (token: string) => Promise<T>): Promise<T> {
    try {
      return await send(this.#token);
    } catch (error) {
      if (!(error instanceof RequestFailure) || error.kind !== 'unauthorized') throw error;
      this.#deps.log.throttled('info', 'relogin', 'session refused, logging in again', {
        bot: this.username,
      });
      if (!(await this.#signIn('login'))) throw new RequestFailure('aborted', 'stopped while signing in');
      return send(this.#token);
    }
  }

  /**
   * Until signed in, the agent stops (false), or the account cannot be used (BotRetired). `register`
   * first at start (a new pod's accounts do not exist yet), `login` first when a session expired.
   */
  async #signIn(first: 'register' | 'login'): Promise<boolean> {
    const { api, authGate, signal, identity, log, metrics } = this.#deps;
    const register = () =>
      this.#request('register', () =>
        api.register({ username: identity.username, email: identity.email, password: identity.password }),
      );
    const login = () =>
      this.#request('login', () => api.login({ login: identity.username, password: identity.password }));
    let failures = 0;
    let order = first;
    while (!signal.aborted) {
      try {
        const auth = await authGate.run(async () => {
          if (order === 'register') {
            try {
              return await register();
            } catch (error) {
              if (!(error instanceof RequestFailure) || error.kind !== 'conflict') throw error;
              // The account exists: if this login has to be retried, the retry need not register again
              // (each attempt costs the API a password hash).
              order = 'login';
              return login();
            }
          }
          try {
            return await login();
          } catch (error) {
            if (error instanceof RequestFailure && error.kind === 'unauthorized') return register();
            throw error;
          }
        }, signal);
        this.#token = auth.token;
        return true;
      } catch (error) {
        if (signal.aborted) return false;
        if (!(error instanceof RequestFailure)) throw error;
        if (error.kind === 'unauthorized' || error.kind === 'conflict' || error.kind === 'rejected') {
          // The name is taken by an account with another password (another BOT_PASSWORD_SECRET, or a
          // person), or the API refuses the request outright: retrying cannot help.
          metrics.errors.inc({ reason: 'login_refused' });
          log.error('bot cannot sign in; giving up on it', { bot: this.username, error: error.message });
          throw new BotRetired(error.message);
        }
        failures++;
        await this.#pause(this.#delayAfter(error, 'sign-in', failures));
      }
    }
    return false;
  }

  /** How long to wait after a failed request. Server trouble grows the bot's backoff; 429 does not. */
  #delayAfter(failure: RequestFailure, what: string, failures?: number): number {
    const { behavior, log } = this.#deps;
    const kind: FailureKind = failure.kind;
    if (kind === 'aborted') return 0;
    if (kind === 'rate_limited') {
      log.throttled('warn', `429:${what}`, 'rate limited, waiting for Retry-After', {
        bot: this.username,
        retryAfterMs: failure.retryAfterMs,
      });
      if (failure.retryAfterMs !== undefined)
        return failure.retryAfterMs + this.#chance.next() * RETRY_AFTER_SPREAD_MS;
      return backoffDelay(behavior.backoff, failures ?? ++this.#failures, this.#chance);
    }
    if (kind === 'server_error' || kind === 'network_error') {
      const n = failures ?? ++this.#failures;
      const delay = Math.max(backoffDelay(behavior.backoff, n, this.#chance), failure.retryAfterMs ?? 0);
      log.throttled('warn', `${kind}:${what}`, 'API unavailable, backing off', {
        bot: this.username,
        error: failure.message,
        failures: n,
        delayMs: Math.round(delay),
      });
      return delay;
    }
    // A 4xx other than 401/429 (a like on a message deleted meanwhile): this action is lost, the bot
    // carries on with the next.
    log.throttled('warn', `${kind}:${what}`, 'request refused', {
      bot: this.username,
      error: failure.message,
    });
    return 0;
  }

  /** One request, timed and counted under its kind and outcome. */
  async #request<T>(kind: ActionKind, send: () => Promise<T>): Promise<T> {
    const { clock, metrics } = this.#deps;
    const started = clock.now();
    try {
      const result = await send();
      metrics.actions.inc({ kind, outcome: 'ok' });
      metrics.duration.observe({ kind }, (clock.now() - started) / 1000);
      return result;
    } catch (error) {
      if (!(error instanceof RequestFailure)) throw error;
      metrics.actions.inc({ kind, outcome: error.kind });
      if (error.kind !== 'aborted') metrics.duration.observe({ kind }, (clock.now() - started) / 1000);
      // A 409 on register is how a restarted bot finds its account: expected, not an error.
      if (error.kind !== 'aborted' && !(kind === 'register' && error.kind === 'conflict'))
        metrics.errors.inc({ reason: error.kind });
      throw error;
    }
  }

  async #pause(ms: number): Promise<void> {
    const { metrics, clock } = this.#deps;
    metrics.botsBackingOff.inc();
    try {
      await this.#sleepUntil(clock.now() + ms);
    } finally {
      metrics.botsBackingOff.dec();
    }
  }

  async #sleepUntil(at: number): Promise<void> {
    const { clock, signal } = this.#deps;
    // In a loop: a long sleep may be cut short by the timer's range, never by the clock being early.
    for (let left = at - clock.now(); left > 0 && !signal.aborted; left = at - clock.now())
      await clock.sleep(left, signal);
  }
}
