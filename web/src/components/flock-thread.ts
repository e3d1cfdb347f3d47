// A message's page (/messages/:id): the messages it answers, root first ("deleted message" where one
// was), the message itself, a reply box, and its replies, oldest first, with "Show more replies". New
// replies arrive live and deleted ones go. The data is ThreadController's; this renders it.
import type { Message } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { sessionContext } from '../context.ts';
import { ThreadController } from '../controllers/thread-controller.ts';
import { isDeleted, type ThreadEntry } from '../controllers/thread-state.ts';
import { base, controls } from '../styles/shared.ts';
import { threadStyles } from '../styles/thread.ts';
import './flock-compose.ts';
import './flock-message.ts';

export class FlockThread extends LitElement {
  static override properties = { messageId: {} };

  static override styles = [base, controls, threadStyles];

  declare messageId: string;

  readonly #session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  readonly #thread = new ThreadController(this, () => this.messageId);

  constructor() {
    super();
    this.messageId = '';
    this.addEventListener('flock-like', ({ detail }) => void this.#thread.like(detail.id, detail.liked));
    this.addEventListener('flock-delete', ({ detail }) => void this.#delete(detail.id));
    this.addEventListener('flock-posted', ({ detail }) => this.#thread.posted(detail));
  }

  override render() {
    const thread = this.#thread;
    const message = thread.message;
    return html`
      <h1>Message</h1>
      ${
        thread.loadError
          ? html`<div role="alert" class="card error">
              ${thread.missing ? 'There is no such message: it may have been deleted.' : thread.loadError}
              ${
                thread.missing
                  ? html`<a href="/">Go to your home timeline</a>`
                  : html`<button class="secondary" @click=${() => thread.retry()}>Try again</button>`
              }
            </div>`
          : nothing
      }
      ${thread.loading && !thread.loaded ? html`<p class="muted">Loading…</p>` : nothing}
      ${
        thread.ancestors.length > 0
          ? html`<ol class="card ancestors" aria-label="Earlier in the thread">
              ${repeat(
                thread.ancestors,
                (entry) => entry.id,
                (entry, index) => html`<li>${this.#entry(entry, thread.ancestors[index - 1])}</li>`,
              )}
            </ol>`
          : nothing
      }
      ${
        message
          ? html`<div class="card focus">${this.#entry(message, thread.ancestors.at(-1), true)}</div>
              ${isDeleted(message) ? nothing : html`<flock-compose .replyTo=${message.id}></flock-compose>`}
              ${this.#replies(message)}`
          : nothing
      }
    `;
  }

  #replies(message: ThreadEntry) {
    const thread = this.#thread;
    const author = isDeleted(message) ? undefined : message.author.username;
    return html`<section class="card replies" aria-labelledby="replies-title" aria-busy=${thread.loading}>
      <h2 id="replies-title" tabindex="-1">Replies</h2>
      <ol>
        ${repeat(
          thread.replies,
          (reply) => reply.id,
          (reply) => html`<li>${this.#message(reply, author)}</li>`,
        )}
      </ol>
      ${
        thread.loaded && thread.replies.length === 0
          ? html`<p class="empty muted">No replies yet.</p>`
          : nothing
      }
      ${
        thread.hasMore
          ? html`<div class="more">
              <button class="secondary" ?disabled=${thread.loading} @click=${() => thread.loadMore()}>
                ${thread.loading ? 'Loading…' : 'Show more replies'}
              </button>
            </div>`
          : nothing
      }
    </section>`;
  }

  /** A message of the thread, or where one was deleted; `parent` is the entry it answers, if shown. */
  #entry(entry: ThreadEntry, parent: ThreadEntry | undefined, current = false) {
    if (isDeleted(entry)) {
      return html`<p class="deleted muted" tabindex="-1" data-id=${entry.id}>
        ${current ? 'This message was deleted.' : 'Deleted message'}
      </p>`;
    }
    return this.#message(entry, parent && !isDeleted(parent) ? parent.author.username : undefined);
  }

  /**
   * The focus was on the deleted message's button: it moves to the reply that took its place (or the
   * replies' heading), or to "deleted message" where the message or one above it was.
   */
  async #delete(id: string) {
    const index = this.#thread.replies.findIndex((reply) => reply.id === id);
    if (!(await this.#thread.remove(id))) return;
    await this.updateComplete;
    if (index < 0) {
      this.renderRoot.querySelector<HTMLElement>(`.deleted[data-id="${id}"]`)?.focus();
      return;
    }
    const rows = this.renderRoot.querySelectorAll<HTMLElement>('.replies flock-message');
    const next = rows[Math.min(index, rows.length - 1)];
    if (next) next.focus();
    else this.renderRoot.querySelector<HTMLElement>('#replies-title')?.focus();
  }

  #message(message: Message, replyingTo: string | undefined) {
    const me = this.#session.value?.user.username;
    return html`<flock-message
      .message=${message}
      .replyingTo=${replyingTo}
      ?mine=${message.author.username === me}
    ></flock-message>`;
  }
}

customElements.define('flock-thread', FlockThread);

declare global {
  interface HTMLElementTagNameMap {
    'flock-thread': FlockThread;
  }
}
