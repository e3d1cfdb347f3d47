// A feed of messages (all, one #tag, one author, or the reader's home timeline): newest first, older pages loaded as the reader
// nears the end, new ones arriving live. A reader scrolled down is never moved: new messages wait
// behind an "N new messages" banner until asked for. The data is FeedController's; this renders it.
import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { sessionContext } from '../context.ts';
import { FeedController } from '../controllers/feed-controller.ts';
import { NearEndController } from '../controllers/near-end.ts';
import { plural } from '../format.ts';
import { feedStyles } from '../styles/feed.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-compose.ts';
import './flock-message.ts';

export class FlockFeed extends LitElement {
  static override properties = {
    tag: {},
    author: {},
    home: { type: Boolean },
    compose: { type: Boolean },
  };

  static override styles = [base, controls, feedStyles];

  declare tag: string | undefined;
  declare author: string | undefined;
  /** The reader's home timeline: the accounts they follow, and their own. */
  declare home: boolean;
  declare compose: boolean;

  readonly #session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  readonly #feed = new FeedController(this, {
    filter: () => ({ tag: this.tag, author: this.author, home: this.home }),
    readerAtTop: () => this.#readerAtTop(),
  });

  constructor() {
    super();
    this.compose = false;
    this.home = false;
    new NearEndController(this, {
      sentinel: () => this.renderRoot.querySelector('.more'),
      busy: () => this.#feed.busy,
      onNearEnd: () => this.#feed.loadMore(),
    });
    this.addEventListener('flock-like', ({ detail }) => void this.#feed.like(detail.id, detail.liked));
    this.addEventListener('flock-delete', ({ detail }) => void this.#delete(detail.id));
    this.addEventListener('flock-posted', ({ detail }) => this.#feed.posted(detail));
  }

  override render() {
    const feed = this.#feed;
    const me = this.#session.value?.user.username;
    const pending = feed.pending.length;
    // A reply names whom it answers when the parent is in the list too.
    const authors = new Map(feed.messages.map((message) => [message.id, message.author.username]));
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
      <section class="card" aria-label="Messages" aria-busy=${feed.loading ? 'true' : 'false'}>
        ${this.#alert(feed.loadError, 'Try again', () => feed.retry())}
        <ol tabindex="-1">
          ${repeat(
            feed.messages,
            (message) => message.id,
            (message) =>
              html`<li>
                <flock-message
                  .message=${message}
                  .replyingTo=${message.inReplyTo ? authors.get(message.inReplyTo) : undefined}
                  ?mine=${message.author.username === me}
                ></flock-message>
              </li>`,
          )}
        </ol>
        ${feed.loaded && feed.messages.length === 0 && !feed.loadError ? this.#empty() : nothing}
        <div class="more">${this.#moreState()}</div>
      </section>
    `;
  }

  #empty() {
    if (!this.home) return html`<p class="empty muted">No messages here yet.</p>`;
    // A new account follows nobody yet: say what Home will hold, and where to find people.
    return html`<p class="empty muted">
      Home shows your messages and those of the people you follow.
      Find people to follow in the <a href="/public">Public timeline</a>.
    </p>`;
  }

  #alert(text: string | undefined, action: string, onAction: () => void) {
    if (!text) return nothing;
    return html`<div role="alert" class="error">
      ${text}
      <button class="secondary" @click=${onAction}>${action}</button>
    </div>`;
  }

  #moreState() {
    const feed = this.#feed;
    if (feed.loading) return html`<span class="muted">Loading…</span>`;
    if (feed.hasOlder) {
      return html`<button class="secondary" @click=${() => feed.loadMore()}>Show older messages</button>`;
    }
    if (feed.loaded && feed.messages.length > 0)
      return html`<span class="muted">You're all caught up.</span>`;
    return nothing;
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

  /** The focus was on the deleted message's button: it moves to the message that took its place. */
  async #delete(id: string) {
    const index = this.#feed.messages.findIndex((message) => message.id === id);
    if (!(await this.#feed.remove(id))) return;
    await this.updateComplete;
    const messages = this.renderRoot.querySelectorAll('flock-message');
    const next = messages[Math.min(index, messages.length - 1)];
    if (next) next.focus();
    else this.renderRoot.querySelector('ol')?.focus();
  }

  async #showPending() {
    this.#feed.showPending();
    await this.updateComplete;
    // New messages are at the top of the list, and the list at the top of its view: back to the
    // page's top, so the view's heading shows too rather than sliding under the sticky header.
    scrollTo({ top: 0 });
    this.renderRoot.querySelector('ol')?.focus({ preventScroll: true });
  }
}

customElements.define('flock-feed', FlockFeed);

declare global {
  interface HTMLElementTagNameMap {
    'flock-feed': FlockFeed;
  }
}
