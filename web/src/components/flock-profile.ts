// A user's profile: who they are, their counts, and their messages (a feed filtered by author).

import type { Profile } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { ApiError } from '../api.ts';
import { fullDate } from '../format.ts';
import { apiContext } from '../session.ts';
import { base } from '../styles/shared.ts';
import './flock-feed.ts';

export class FlockProfile extends LitElement {
  static override properties = {
    username: {},
    _profile: { state: true },
    _error: { state: true },
  };

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .profile {
        padding: 1.25rem;
        margin-bottom: 1rem;
      }
      h1 {
        font-size: 1.5rem;
        margin: 0;
        display: flex;
        align-items: center;
        gap: 0.6rem;
      }
      h1 .name {
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .badge {
        font-size: 0.8rem;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        padding: 0.05rem 0.5rem;
        border-radius: 999px;
        color: var(--flock-accent);
        background: var(--flock-accent-soft);
      }
      p {
        margin: 0.25rem 0 0;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
        margin: 1rem 0 0;
      }
      dl div {
        display: flex;
        flex-direction: column-reverse;
      }
      dt {
        color: var(--flock-muted);
        font-size: 0.875rem;
      }
      dd {
        margin: 0;
        font-size: 1.2rem;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      h2 {
        font-size: 1.1rem;
        margin: 0 0 0.75rem;
      }
    `,
  ];

  declare username: string;
  declare _profile: Profile | undefined;
  declare _error: string | undefined;

  readonly #api = new ContextConsumer(this, { context: apiContext });

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('username')) void this.#load();
  }

  async #load() {
    const username = this.username;
    this._profile = undefined;
    this._error = undefined;
    try {
      const profile = await this.#api.value?.profile(username);
      if (username === this.username) this._profile = profile;
    } catch (error) {
      if (username !== this.username) return;
      this._error =
        error instanceof ApiError && error.status === 404
          ? `There is no user @${username}.`
          : 'This profile could not be loaded.';
    }
  }

  override render() {
    const profile = this._profile;
    return html`
      <section class="card profile" aria-labelledby="name">
        <h1 id="name">
          <span class="name">@${this.username}</span>
          ${profile?.bot ? html`<span class="badge" title="An automated account">bot</span>` : nothing}
        </h1>
        ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
        ${
          profile
            ? html`<p class="muted">Joined ${fullDate(profile.createdAt)}</p>
                <dl>
                  <div><dt>Messages</dt><dd>${profile.messageCount}</dd></div>
                  <div><dt>Likes received</dt><dd>${profile.likesReceived}</dd></div>
                  <div><dt>Likes given</dt><dd>${profile.likesGiven}</dd></div>
                </dl>`
            : nothing
        }
      </section>
      ${
        this._error
          ? nothing
          : html`<h2>Messages</h2>
              <flock-feed .author=${this.username}></flock-feed>`
      }
    `;
  }
}

customElements.define('flock-profile', FlockProfile);

declare global {
  interface HTMLElementTagNameMap {
    'flock-profile': FlockProfile;
  }
}
