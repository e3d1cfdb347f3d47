// Writing a message: a text area with a character counter, chips for its #hashtags and for extra tags
// added by hand. Posting dispatches PostedEvent with the API's answer.

import { MAX_CONTENT_LENGTH, MAX_TAGS, type Message } from '@flock/shared/api';
import { isTagInput, normaliseTag, TAG_MAX_LENGTH, TAG_MIN_LENGTH } from '@flock/shared/names';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { hashtags } from '../format.ts';
import { apiContext } from '../session.ts';
import { base, controls } from '../styles/shared.ts';

/** A message was posted. */
export class PostedEvent extends Event {
  static readonly eventName = 'flock-posted';
  readonly message: Message;
  constructor(message: Message) {
    super(PostedEvent.eventName, { bubbles: true, composed: true });
    this.message = message;
  }
}

export class FlockCompose extends LitElement {
  static override properties = {
    // Compared by content: a parent re-rendering with an equal new array must not reset the chips.
    presetTags: { attribute: false, hasChanged: (a?: string[], b?: string[]) => a?.join() !== b?.join() },
    _content: { state: true },
    _extraTags: { state: true },
    _tagDraft: { state: true },
    _tagError: { state: true },
    _busy: { state: true },
    _error: { state: true },
  };

  static override styles = [
    base,
    controls,
    css`
      :host {
        display: block;
      }
      form {
        padding: 1rem;
        display: grid;
        /* minmax(0, …): a long tag wraps instead of widening the form past the screen. */
        grid-template-columns: minmax(0, 1fr);
        gap: 0.6rem;
      }
      textarea {
        resize: vertical;
        min-height: 5.5rem;
        line-height: 1.45;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem;
      }
      ul {
        display: contents;
        list-style: none;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        max-width: 100%;
        gap: 0.15rem;
        padding: 0.1rem 0.2rem 0.1rem 0.65rem;
        border-radius: 999px;
        background: var(--flock-accent-soft);
        color: var(--flock-text);
        font-size: 0.9rem;
        font-weight: 600;
      }
      .chip .name {
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .chip.auto {
        padding-right: 0.65rem;
      }
      .chip button {
        min-height: 1.75rem;
        width: 1.75rem;
        padding: 0;
        background: transparent;
        color: inherit;
        font-size: 1.1rem;
        line-height: 1;
      }
      .tag-input {
        flex: 1 1 9rem;
        min-width: 0;
        max-width: 14rem;
      }
      .tag-input input {
        padding: 0.3rem 0.7rem;
        border-radius: 999px;
      }
      .actions {
        display: flex;
        align-items: center;
        justify-content: flex-end;
        gap: 1rem;
      }
      .counter {
        font-variant-numeric: tabular-nums;
        font-size: 0.9rem;
      }
      .counter.near {
        color: var(--flock-warn);
        font-weight: 600;
      }
      .counter.over {
        color: var(--flock-danger);
        font-weight: 700;
      }
      p {
        margin: 0;
      }
    `,
  ];

  declare presetTags: string[];
  declare _content: string;
  declare _extraTags: string[];
  declare _tagDraft: string;
  declare _tagError: string | undefined;
  declare _busy: boolean;
  declare _error: string | undefined;

  readonly #api = new ContextConsumer(this, { context: apiContext });

  constructor() {
    super();
    this.presetTags = [];
    this._content = '';
    this._extraTags = [];
    this._tagDraft = '';
    this._busy = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
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
      <form class="card" @submit=${this.#submit} aria-label="New message">
        <label for="content">What's happening?</label>
        <textarea
          id="content"
          name="content"
          rows="3"
          placeholder="Say something… use #tags"
          aria-describedby="counter"
          aria-invalid=${remaining < 0 ? 'true' : 'false'}
          .value=${live(this._content)}
          @input=${(event: InputEvent) => {
            this._content = (event.target as HTMLTextAreaElement).value;
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
          <button type="submit" ?disabled=${!canPost}>${this._busy ? 'Posting…' : 'Post'}</button>
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
      const message = await api.post(tags.length > 0 ? { content, tags } : { content });
      this._content = '';
      this._extraTags = [...this.presetTags];
      this.dispatchEvent(new PostedEvent(message));
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
  interface HTMLElementEventMap {
    'flock-posted': PostedEvent;
  }
}
