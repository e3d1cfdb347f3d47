// One message. Its text is rendered as text (Lit escapes it); #tags and the author become links that
// filter the feed, its time and its reply count lead to its page (the thread). Like and delete are
// requests to the feed (or the thread), which owns the messages' state.
import type { Message } from '@flock/shared/api';
import { html, LitElement, nothing } from 'lit';
import { ClockController } from '../controllers/clock.ts';
import { messagePath, tagPath, userPath } from '../controllers/router.ts';
import { flockEvent } from '../events.ts';
import { fullDate, hashtags, segments, timeAgo } from '../format.ts';
import { messageStyles } from '../styles/message.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-avatar.ts';

export class FlockMessage extends LitElement {
  static override properties = {
    message: { attribute: false },
    mine: { type: Boolean },
    replyingTo: {},
    _confirming: { state: true },
  };

  static override styles = [base, controls, messageStyles];

  declare message: Message;
  declare mine: boolean;
  /** The username of the message this one answers, when the list knows it (else "a message"). */
  declare replyingTo: string | undefined;
  declare _confirming: boolean;

  constructor() {
    super();
    this.mine = false;
    this._confirming = false;
    new ClockController(this);
  }

  override render() {
    const m = this.message;
    if (!m) return nothing;
    const inText = hashtags(m.content);
    const extraTags = m.tags.filter((tag) => !inText.includes(tag));
    return html`
      <article tabindex="-1" aria-label="Message by ${m.author.username}">
        <flock-avatar .username=${m.author.username}></flock-avatar>
        <div class="body">
          <header>
            <a class="author" href=${userPath(m.author.username)}>${
              m.author.displayName
                ? html`<span class="name">${m.author.displayName}</span>
                    <span class="handle">@${m.author.username}</span>`
                : html`<span class="name">@${m.author.username}</span>`
            }</a>
            ${m.author.bot ? html`<span class="badge" title="An automated account">bot</span>` : nothing}
            <a class="time" href=${messagePath(m.id)}
              ><time datetime=${m.createdAt} title=${fullDate(m.createdAt)}>${timeAgo(m.createdAt)}</time></a
            >
          </header>
          ${
            m.inReplyTo
              ? html`<p class="replying muted">
                  Replying to
                  <a href=${messagePath(m.inReplyTo)}>${this.replyingTo ? `@${this.replyingTo}` : 'a message'}</a>
                </p>`
              : nothing
          }
          <p class="content">${segments(m.content).map((part) =>
            part.kind === 'tag' ? html`<a href=${tagPath(part.tag)}>${part.text}</a>` : part.text,
          )}</p>
          ${
            extraTags.length > 0
              ? html`<ul class="tags" aria-label="Tags">
                  ${extraTags.map((tag) => html`<li><a href=${tagPath(tag)}>#${tag}</a></li>`)}
                </ul>`
              : nothing
          }
          <footer>
            <button
              class="ghost like"
              aria-pressed=${m.likedByMe ? 'true' : 'false'}
              title=${m.likedByMe ? 'Unlike' : 'Like'}
              @click=${() => this.dispatchEvent(flockEvent('flock-like', { id: m.id, liked: !m.likedByMe }))}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 20.5s-7.5-4.6-9.3-9.2C1.5 8 3.6 4.5 7.1 4.5c2 0 3.5 1.1 4.9 2.9 1.4-1.8 2.9-2.9 4.9-2.9 3.5 0 5.6 3.5 4.4 6.8-1.8 4.6-9.3 9.2-9.3 9.2z" />
              </svg>
              <span class="visually-hidden">Like,</span>
              <span class="count">${m.likeCount}</span>
              <span class="visually-hidden">${m.likeCount === 1 ? 'like' : 'likes'}</span>
            </button>
            <a class="replies" href=${messagePath(m.id)}>
              <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M4 5.5h16v10H9l-5 4z" />
              </svg>
              <span class="count">${m.replyCount}</span>
              <span class="visually-hidden">${m.replyCount === 1 ? 'reply' : 'replies'}</span>
            </a>
            ${this.mine ? this.#deleteControls(m.id) : nothing}
          </footer>
        </div>
      </article>
    `;
  }

  /** Deleting asks once more, in place (no blocking dialog), and keeps the focus on the controls. */
  #deleteControls(id: string) {
    if (!this._confirming) {
      return html`<button class="ghost delete" @click=${() => this.#confirm(true)}>
        Delete<span class="visually-hidden"> this message</span>
      </button>`;
    }
    return html`<span
      class="confirm"
      role="group"
      aria-label="Delete this message?"
      @keydown=${(event: KeyboardEvent) => event.key === 'Escape' && this.#confirm(false)}
    >
      <span class="muted" aria-hidden="true">Delete?</span>
      <button class="danger" @click=${() => this.dispatchEvent(flockEvent('flock-delete', { id }))}>
        Yes, delete<span class="visually-hidden"> this message</span>
      </button>
      <button class="ghost" @click=${() => this.#confirm(false)}>Cancel</button>
    </span>`;
  }

  /** Focuses the message itself: where a keyboard reader lands when the message before it is deleted. */
  override focus(options?: FocusOptions) {
    this.renderRoot.querySelector('article')?.focus(options);
  }

  async #confirm(confirming: boolean) {
    this._confirming = confirming;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(confirming ? '.danger' : '.delete')?.focus();
  }
}

customElements.define('flock-message', FlockMessage);

declare global {
  interface HTMLElementTagNameMap {
    'flock-message': FlockMessage;
  }
}
