// A feed of messages (all, one #tag, or one author): newest first, older pages loaded as the reader
// nears the end (keyset cursor), new ones arriving live. A reader scrolled down is never moved: new
// messages wait behind an "N new messages" banner until asked for.
//
// Live and REST meet without gaps or doubles: the stream is subscribed first, the first page loaded
// next, events that came in meanwhile applied after it, and every message is keyed by its id.

import type { Message } from '@flock/shared/api';
import type { EventFrame, StreamName } from '@flock/shared/live';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../api.ts';
import { LiveSubscriptionController } from '../controllers/live-subscription.ts';
import { newestFirst, plural } from '../format.ts';
import { apiContext, sessionContext } from '../session.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-compose.ts';
import type { PostedEvent } from './flock-compose.ts';
import './flock-message.ts';
import type { DeleteRequestEvent, LikeRequestEvent } from './flock-message.ts';

const PAGE_SIZE = 20;
/** A reader at the top of a busy feed keeps at most this many messages; older ones reload on scroll. */
const MAX_KEPT = 300;

export class FlockFeed extends LitElement {
  static override properties = {
    tag: {},
    author: {},
    compose: { type: Boolean },
    _messages: { state: true },
    _pending: { state: true },
    _next: { state: true },
    _loading: { state: true },
    _loaded: { state: true },
    _error: { state: true },
    _actionError: { state: true },
  };

  static override styles = [
    base,
    controls,
    css`
      :host {
        display: block;
      }
      flock-compose {
        margin-bottom: 1rem;
      }
      .banner-slot {
        position: sticky;
        top: calc(var(--flock-header-height) + 0.5rem);
        z-index: 5;
        display: flex;
        justify-content: center;
        height: 0;
        overflow: visible;
      }
      .banner {
        box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        overflow: hidden;
      }
      ol:focus {
        outline: none;
      }
      li + li {
        border-top: 1px solid var(--flock-border);
      }
      .more {
        display: flex;
        justify-content: center;
        padding: 1.25rem 0;
        min-height: 4rem;
      }
      .empty {
        padding: 2rem 1rem;
        text-align: center;
      }
      [role='alert'] {
        padding: 0.75rem 1rem;
        display: flex;
        gap: 1rem;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ];

  declare tag: string | undefined;
  declare author: string | undefined;
  declare compose: boolean;
  declare _messages: Message[];
  declare _pending: Message[];
  declare _next: string | null;
  declare _loading: boolean;
  declare _loaded: boolean;
  declare _error: string | undefined;
  declare _actionError: string | undefined;

  readonly #api = new ContextConsumer(this, { context: apiContext });
  readonly #session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  readonly #live = new LiveSubscriptionController(this, {
    event: (frame) => this.#onEvent(frame),
    resync: () => void this.#refresh(),
  });
  /** Bumped whenever the feed starts over: answers for an older generation are dropped. */
  #generation = 0;
  /** Events that arrived while the first page was loading. */
  #early: EventFrame[] = [];
  /** The latest like request per message: only its answer may settle the count. */
  readonly #likeRequests = new Map<string, number>();
  #likeSequence = 0;
  #observer: IntersectionObserver | undefined;

  constructor() {
    super();
    this.compose = false;
    this._messages = [];
    this._pending = [];
    this._next = null;
    this._loading = false;
    this._loaded = false;
    this.addEventListener('flock-like', (event: LikeRequestEvent) => void this.#like(event.id, event.liked));
    this.addEventListener('flock-delete', (event: DeleteRequestEvent) => void this.#delete(event.id));
    this.addEventListener('flock-posted', (event: PostedEvent) => this.#posted(event.message));
  }

  get stream(): StreamName {
    if (this.tag) return `tag:${this.tag}`;
    if (this.author) return `user:${this.author}`;
    return 'public';
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!this.hasUpdated || changed.has('tag') || changed.has('author')) void this.#start();
  }

  protected override updated(changed: PropertyValues<this>) {
    const sentinel = this.renderRoot.querySelector('.more');
    if (!sentinel) return;
    if (!this.#observer) {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) void this.#loadMore();
        },
        { rootMargin: '0px 0px 800px 0px' },
      );
    }
    // Observing afresh after each page reports the sentinel again if it is still in view.
    if (changed.has('_loading') && !this._loading) {
      this.#observer.disconnect();
      this.#observer.observe(sentinel);
    }
  }

  override render() {
    const me = this.#session.value?.user.username;
    const pending = this._pending.length;
    return html`
      ${this.compose ? html`<flock-compose .presetTags=${this.tag ? [this.tag] : []}></flock-compose>` : nothing}
      <div class="banner-slot" role="status">
        ${
          pending > 0
            ? html`<button class="banner" @click=${this.#showPending}>
                <span aria-hidden="true">↑</span> ${plural(pending, 'new message')}
              </button>`
            : nothing
        }
      </div>
      <section class="card" aria-label="Messages" aria-busy=${this._loading ? 'true' : 'false'}>
        ${
          this._error
            ? html`<div role="alert" class="error">
                ${this._error}
                <button class="secondary" @click=${() => (this._loaded ? this.#loadMore() : this.#start())}>
                  Try again
                </button>
              </div>`
            : nothing
        }
        ${
          this._actionError
            ? html`<div role="alert" class="error">
                ${this._actionError}
                <button class="secondary" @click=${() => (this._actionError = undefined)}>Dismiss</button>
              </div>`
            : nothing
        }
        <ol tabindex="-1">
          ${repeat(
            this._messages,
            (message) => message.id,
            (message) =>
              html`<li>
                <flock-message .message=${message} ?mine=${message.author.username === me}></flock-message>
              </li>`,
          )}
        </ol>
        ${
          this._loaded && this._messages.length === 0 && !this._error
            ? html`<p class="empty muted">No messages here yet.</p>`
            : nothing
        }
        <div class="more">${this.#moreState()}</div>
      </section>
    `;
  }

  #moreState() {
    if (this._loading) return html`<span class="muted">Loading…</span>`;
    if (this._next) {
      return html`<button class="secondary" @click=${this.#loadMore}>Show older messages</button>`;
    }
    if (this._loaded && this._messages.length > 0)
      return html`<span class="muted">You're all caught up.</span>`;
    return nothing;
  }

  // ---- loading ----

  /** Starts the feed over: follow the stream, then read the first page. */
  async #start() {
    const generation = ++this.#generation;
    this._messages = [];
    this._pending = [];
    this._next = null;
    this._loaded = false;
    this._error = undefined;
    this._loading = true;
    this.#early = [];
    await this.#live.follow(this.stream);
    if (generation !== this.#generation) return;
    await this.#load(generation, undefined);
  }

  async #loadMore() {
    if (this._loading || !this._next || !this._loaded) return;
    await this.#load(this.#generation, this._next);
  }

  async #load(generation: number, before: string | undefined) {
    const api = this.#api.value;
    if (!api) return;
    this._loading = true;
    this._error = undefined;
    try {
      const page = await api.feed({ tag: this.tag, author: this.author, before, limit: PAGE_SIZE });
      if (generation !== this.#generation) return;
      this._messages = merge(this._messages, page.items);
      this._next = page.next;
      if (!this._loaded) {
        this._loaded = true;
        for (const frame of this.#early.splice(0)) this.#onEvent(frame);
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      this._error = describe(error, 'The messages could not be loaded.');
    } finally {
      if (generation === this.#generation) this._loading = false;
    }
  }

  /** Events may have been missed: read the newest page again and merge it. */
  async #refresh() {
    const api = this.#api.value;
    if (!api || !this._loaded) return;
    const generation = this.#generation;
    try {
      const page = await api.feed({ tag: this.tag, author: this.author, limit: PAGE_SIZE });
      if (generation !== this.#generation) return;
      const oldest = page.items.at(-1);
      const newest = this._messages[0];
      if (page.next && oldest && newest && BigInt(oldest.id) > BigInt(newest.id)) {
        void this.#start(); // more is new than one page holds: start over
        return;
      }
      const known = new Map(page.items.map((message) => [message.id, message]));
      this._messages = this._messages.map((message) => known.get(message.id) ?? message);
      this._pending = this._pending.map((message) => known.get(message.id) ?? message);
      for (const message of page.items) this.#arrived(message);
    } catch {
      // The next reconnect or reload will try again.
    }
  }

  // ---- live ----

  #onEvent(frame: EventFrame) {
    if (!this._loaded) {
      this.#early.push(frame);
      return;
    }
    switch (frame.event) {
      case 'message.created':
        this.#arrived(frame.data);
        return;
      case 'message.deleted':
        this.#remove(frame.data.id);
        return;
      case 'message.liked': {
        const { likeCount } = frame.data;
        if (!this.#likeRequests.has(frame.data.id)) this.#patch(frame.data.id, { likeCount });
        return;
      }
    }
  }

  /** A message that may be new: shown at once when the reader is at the top, else behind the banner. */
  #arrived(message: Message) {
    if (this.#has(message.id)) return;
    const last = this._messages.at(-1);
    if (this._next && last && BigInt(message.id) < BigInt(last.id)) return; // older pages will bring it
    if (this._pending.length === 0 && this.#readerAtTop()) {
      this._messages = merge(this._messages, [message]);
      if (this._messages.length > MAX_KEPT) {
        // Nobody is reading the far end: let it go, and read it again from the cursor if scrolled to.
        this._messages = this._messages.slice(0, MAX_KEPT);
        this._next = this._messages.at(-1)!.id;
      }
    } else {
      this._pending = merge(this._pending, [message]);
    }
  }

  /**
   * Whether the top of the list is in view. The banner slot sits just above the list and sticks under
   * the header: while the list has not scrolled up beneath it, the two stay together.
   */
  #readerAtTop() {
    const list = this.renderRoot.querySelector('ol');
    const slot = this.renderRoot.querySelector('.banner-slot');
    if (!list || !slot) return true;
    return list.getBoundingClientRect().top >= slot.getBoundingClientRect().top - 8;
  }

  async #showPending() {
    this._messages = merge(this._messages, this._pending);
    this._pending = [];
    await this.updateComplete;
    const list = this.renderRoot.querySelector('ol');
    const top = (this.compose ? this : list)?.getBoundingClientRect().top ?? 0;
    scrollTo({ top: Math.max(0, scrollY + top - 80) });
    list?.focus({ preventScroll: true });
  }

  #posted(message: Message) {
    if (this.#has(message.id)) return;
    if (this.tag && !message.tags.includes(this.tag)) return;
    if (this.author && message.author.username !== this.author) return;
    this._messages = merge(this._messages, [message]);
  }

  // ---- likes and deletes ----

  async #like(id: string, liked: boolean) {
    const api = this.#api.value;
    const message = this.#find(id);
    if (!api || !message || message.likedByMe === liked) return;
    const request = ++this.#likeSequence;
    this.#likeRequests.set(id, request);
    // Instant feedback, settled by the API's answer.
    this.#patch(id, { likedByMe: liked, likeCount: Math.max(0, message.likeCount + (liked ? 1 : -1)) });
    try {
      const state = await api.like(id, liked);
      if (this.#likeRequests.get(id) === request) this.#patch(id, state);
    } catch (error) {
      if (this.#likeRequests.get(id) === request) {
        this.#patch(id, { likedByMe: message.likedByMe, likeCount: message.likeCount });
        this._actionError = describe(error, 'The like could not be saved.');
      }
    } finally {
      if (this.#likeRequests.get(id) === request) this.#likeRequests.delete(id);
    }
  }

  async #delete(id: string) {
    const api = this.#api.value;
    if (!api) return;
    try {
      await api.remove(id);
      this.#remove(id);
    } catch (error) {
      this._actionError = describe(error, 'The message could not be deleted.');
    }
  }

  // ---- state helpers ----

  #has(id: string) {
    return this.#find(id) !== undefined;
  }

  #find(id: string) {
    return this._messages.find((m) => m.id === id) ?? this._pending.find((m) => m.id === id);
  }

  #patch(id: string, change: Partial<Message>) {
    const apply = (list: Message[]) => list.map((m) => (m.id === id ? { ...m, ...change } : m));
    this._messages = apply(this._messages);
    this._pending = apply(this._pending);
  }

  #remove(id: string) {
    this._messages = this._messages.filter((m) => m.id !== id);
    this._pending = this._pending.filter((m) => m.id !== id);
  }
}

/** The union of two lists of messages, each once, newest first. */
function merge(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) if (!byId.has(message.id)) byId.set(message.id, message);
  return [...byId.values()].sort(newestFirst);
}

function describe(error: unknown, fallback: string) {
  return error instanceof ApiError ? error.message : fallback;
}

customElements.define('flock-feed', FlockFeed);

declare global {
  interface HTMLElementTagNameMap {
    'flock-feed': FlockFeed;
  }
}
