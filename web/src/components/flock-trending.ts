// Trending tags of the last 24 hours, refreshed every minute while shown.

import type { TrendingTag } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { css, html, LitElement } from 'lit';
import { tagPath } from '../controllers/router.ts';
import { apiContext } from '../session.ts';
import { base } from '../styles/shared.ts';

const REFRESH_MS = 60_000;

export class FlockTrending extends LitElement {
  static override properties = { _tags: { state: true }, _failed: { state: true } };

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      section {
        padding: 1rem 1.1rem;
      }
      h2 {
        font-size: 1.05rem;
        margin: 0 0 0.5rem;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.15rem;
      }
      a {
        /* The containing block of its visually hidden text: else that text, placed at the chip's
           spot in a row scrolled sideways, widens the whole page on phones. */
        position: relative;
        display: flex;
        justify-content: space-between;
        gap: 1rem;
        padding: 0.3rem 0.5rem;
        margin: 0 -0.5rem;
        border-radius: 8px;
        text-decoration: none;
        font-weight: 600;
      }
      a:hover {
        background: var(--flock-surface-2);
      }
      .tag {
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .count {
        color: var(--flock-muted);
        font-weight: 400;
        font-variant-numeric: tabular-nums;
      }
      p {
        margin: 0;
      }
      @media (max-width: 52rem) {
        section {
          padding: 0.6rem 0.75rem;
          display: flex;
          align-items: center;
          gap: 0.75rem;
        }
        h2 {
          margin: 0;
          font-size: 0.95rem;
          white-space: nowrap;
        }
        ol {
          display: flex;
          /* Without it the row grows to its longest tags and widens the page instead of scrolling. */
          min-width: 0;
          gap: 0.4rem;
          overflow-x: auto;
          scrollbar-width: none;
        }
        a {
          margin: 0;
          padding: 0.2rem 0.6rem;
          background: var(--flock-surface-2);
          border-radius: 999px;
          white-space: nowrap;
          gap: 0.4rem;
        }
      }
    `,
  ];

  declare _tags: TrendingTag[] | undefined;
  declare _failed: boolean;

  readonly #api = new ContextConsumer(this, { context: apiContext });
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this._failed = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
    this.#timer = setInterval(() => void this.#load(), REFRESH_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #load() {
    try {
      this._tags = await this.#api.value?.trending({ window: '24h', limit: 10 });
      this._failed = false;
    } catch {
      this._failed = true;
    }
  }

  override render() {
    const tags = this._tags;
    return html`<section class="card" aria-labelledby="trending-title">
      <h2 id="trending-title">Trending</h2>
      ${
        tags === undefined
          ? html`<p class="muted">${this._failed ? 'Unavailable right now.' : 'Loading…'}</p>`
          : tags.length === 0
            ? html`<p class="muted">No tags yet.</p>`
            : html`<ol>
                ${tags.map(
                  ({ tag, count }) =>
                    html`<li>
                      <a href=${tagPath(tag)}
                        ><span class="tag">#${tag}</span><span class="count"
                          >${count}<span class="visually-hidden"> messages</span></span
                        ></a
                      >
                    </li>`,
                )}
              </ol>`
      }
    </section>`;
  }
}

customElements.define('flock-trending', FlockTrending);

declare global {
  interface HTMLElementTagNameMap {
    'flock-trending': FlockTrending;
  }
}
