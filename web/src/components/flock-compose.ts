// Writing a message: a text area with a character counter, chips for its #hashtags and for extra tags
// added by hand. Posting dispatches `flock-posted` with the API's answer. The unsent text is kept
// (DraftController) across navigation and reloads. Given `replyTo`, it is the reply box of a thread:
// the message posted answers that one, and its draft is kept apart from the others.

import { MAX_CONTENT_LENGTH, MAX_TAGS } from '@flock/shared/api';
import { isTagInput, normaliseTag, TAG_MAX_LENGTH, TAG_MIN_LENGTH } from '@flock/shared/names';
import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { apiContext, sessionContext } from '../context.ts';
import { DraftController } from '../controllers/draft.ts';
import { flockEvent } from '../events.ts';
import { hashtags } from '../format.ts';
import { composeStyles } from '../styles/compose.ts';
import { base, controls } from '../styles/shared.ts';

export class FlockCompose extends LitElement {
  static override properties = {
    // Compared by content: a parent re-rendering with an equal new array must not reset the chips.
    presetTags: { attribute: false, hasChanged: (a?: string[], b?: string[]) => a?.join() !== b?.join() },
    replyTo: {},
    _content: { state: true },
    _extraTags: { state: true },
    _tagDraft: { state: true },
    _tagError: { state: true },
    _busy: { state: true },
    _error: { state: true },
  };

  static override styles = [base, controls, composeStyles];

  declare presetTags: string[];
  /** The id of the message this box replies to; unset, it writes a new message. */
  declare replyTo: string | undefined;
  declare _content: string;
  declare _extraTags: string[];
  declare _tagDraft: string;
  declare _tagError: string | undefined;
  declare _busy: boolean;
  declare _error: string | undefined;

  readonly #api = new ContextConsumer(this, { context: apiContext });
  readonly #session = new ContextConsumer(this, { context: sessionContext });
  readonly #draft = new DraftController(this, () => {
    const username = this.#session.value?.user.username;
    return username && this.replyTo ? `${username}.reply.${this.replyTo}` : username;
  });

  constructor() {
    super();
    this.presetTags = [];
    this._content = '';
    this._extraTags = [];
    this._tagDraft = '';
    this._busy = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!this.hasUpdated || changed.has('replyTo')) this._content = this.#draft.load();
    if (changed.has('presetTags')) this._extraTags = [...this.presetTags];
  }

  get #length() {
    return [...this._content].length; // code points, as the API counts them
  }

  get #allTags() {
    return [...new Set([...hashtags(this._content), ...this._extraTags])];
  }

  override render() {
    const remaining = MAX_CONTENT_LENGTH - this.#length;
    const inText = hashtags(this._content);
    const extra = this._extraTags.filter((tag) => !inText.includes(tag));
    const tooManyTags = this.#allTags.length > MAX_TAGS;
    const canPost = this._content.trim().length > 0 && remaining >= 0 && !tooManyTags && !this._busy;
    const counterClass = remaining < 0 ? 'over' : remaining <= 20 ? 'near' : 'muted';
    return html`
      <form class="card" @submit=${this.#submit} aria-label=${this.replyTo ? 'Reply' : 'New message'}>
        <label for="content">${this.replyTo ? 'Your reply' : "What's happening?"}</label>
        <textarea
          id="content"
          name="content"
          rows="3"
          placeholder=${this.replyTo ? 'Write a reply… use #tags' : 'Say something… use #tags'}
          aria-describedby="counter"
          aria-invalid=${remaining < 0 ? 'true' : 'false'}
          .value=${live(this._content)}
          @input=${(event: InputEvent) => {
            this._content = (event.target as HTMLTextAreaElement).value;
            this.#draft.save(this._content);
          }}
          @keydown=${this.#contentKeydown}
        ></textarea>
        <div class="tags">
          <ul aria-label="Tags">
            ${inText.map((tag) => html`<li class="chip auto"><span class="name">#${tag}</span></li>`)}
            ${extra.map(
              (tag) =>
                html`<li class="chip">
                  <span class="name">#${tag}</span>
                  <button type="button" aria-label="Remove tag ${tag}" @click=${() => this.#removeTag(tag)}>
                    ×
                  </button>
                </li>`,
            )}
          </ul>
          <div class="tag-input">
            <label for="tag" class="visually-hidden">Add a tag</label>
            <input
              id="tag"
              placeholder="Add a tag"
              autocomplete="off"
              autocapitalize="off"
              spellcheck="false"
              aria-describedby=${this._tagError ? 'tag-error' : nothing}
              .value=${live(this._tagDraft)}
              @input=${(event: InputEvent) => {
                this._tagDraft = (event.target as HTMLInputElement).value;
                this._tagError = undefined;
              }}
              @keydown=${this.#tagKeydown}
            />
          </div>
        </div>
        ${this._tagError ? html`<p id="tag-error" class="error" role="alert">${this._tagError}</p>` : nothing}
        ${tooManyTags ? html`<p class="error" role="alert">At most ${MAX_TAGS} tags per message.</p>` : nothing}
        ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
        <div class="actions">
          <span id="counter" class="counter ${counterClass}">
            ${remaining}<span class="visually-hidden"> characters left</span>
          </span>
          <button type="submit" ?disabled=${!canPost}>
            ${this._busy ? 'Posting…' : this.replyTo ? 'Reply' : 'Post'}
          </button>
        </div>
      </form>
    `;
  }

  #contentKeydown(event: KeyboardEvent) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.renderRoot.querySelector('form')?.requestSubmit();
    }
  }

  #tagKeydown(event: KeyboardEvent) {
    const input = event.target as HTMLInputElement;
    if (event.key === 'Enter' || event.key === ',' || event.key === ' ') {
      event.preventDefault();
      this.#addTag(input.value);
    } else if (event.key === 'Backspace' && input.value === '' && this._extraTags.length > 0) {
      this._extraTags = this._extraTags.slice(0, -1);
    }
  }

  #addTag(raw: string) {
    const value = raw.trim();
    if (!value) return;
    if (!isTagInput(value)) {
      this._tagError = `A tag is ${TAG_MIN_LENGTH} to ${TAG_MAX_LENGTH} letters, digits or underscores.`;
      return;
    }
    const tag = normaliseTag(value);
    if (!this._extraTags.includes(tag)) this._extraTags = [...this._extraTags, tag];
    this._tagDraft = '';
    this._tagError = undefined;
  }

  #removeTag(tag: string) {
    this._extraTags = this._extraTags.filter((other) => other !== tag);
    this.renderRoot.querySelector<HTMLInputElement>('#tag')?.focus();
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const api = this.#api.value;
    if (this._tagDraft.trim()) this.#addTag(this._tagDraft);
    const content = this._content.trim();
    if (!api || this._busy || !content || this._tagError) return;
    this._busy = true;
    this._error = undefined;
    try {
      const tags = this._extraTags.filter((tag) => !hashtags(content).includes(tag));
      const message = await api.post({
        content,
        ...(tags.length > 0 ? { tags } : {}),
        ...(this.replyTo ? { inReplyTo: this.replyTo } : {}),
      });
      this._content = '';
      this.#draft.clear();
      this._extraTags = [...this.presetTags];
      this.dispatchEvent(flockEvent('flock-posted', message));
    } catch (error) {
      this._error = error instanceof Error ? error.message : 'The message could not be posted.';
    } finally {
      this._busy = false;
      await this.updateComplete;
      this.renderRoot.querySelector('textarea')?.focus();
    }
  }
}

customElements.define('flock-compose', FlockCompose);

declare global {
  interface HTMLElementTagNameMap {
    'flock-compose': FlockCompose;
  }
}
