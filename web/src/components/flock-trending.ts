// Trending tags of the last 24 hours, refreshed every minute while shown. A tag used once is not a
// trend: it takes two messages in the window to be listed.

import type { TrendingTag } from '@flock/shared/api';
import { TaskStatus } from '@lit/task';
import { html, LitElement } from 'lit';
import { apiTask } from '../controllers/api-task.ts';
import { tagPath } from '../controllers/router.ts';
import { base } from '../styles/shared.ts';
import { trendingStyles } from '../styles/trending.ts';

const REFRESH_MS = 60_000;
/** Fewer uses than this in the window is not a trend. */
export const TRENDING_MIN_USES = 2;

export class FlockTrending extends LitElement {
  static override styles = [base, trendingStyles];

  /** The last list the API gave: a failed refresh keeps it on screen. */
  #tags: TrendingTag[] | undefined;
  readonly #trending = apiTask(this, {
    args: () => [] as const,
    load: (api, _args, signal) => api.trending({ window: '24h', limit: 10 }, signal),
    onComplete: (tags) => {
      this.#tags = tags.filter(({ count }) => count >= TRENDING_MIN_USES);
    },
  });
  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.#timer = setInterval(() => void this.#trending.run(), REFRESH_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override render() {
    const tags = this.#tags;
    const failed = this.#trending.status === TaskStatus.ERROR;
    return html`<section class="card" aria-labelledby="trending-title">
      <h2 id="trending-title">Trending <span class="window">· last 24 h</span></h2>
      ${
        tags === undefined
          ? html`<p class="muted">${failed ? 'Unavailable right now.' : 'Loading…'}</p>`
          : tags.length === 0
            ? html`<p class="muted">Nothing trending yet.</p>`
            : html`<ol>
                ${tags.map(
                  ({ tag, count }) =>
                    html`<li>
                      <a href=${tagPath(tag)}
                        ><span class="tag">#${tag}</span><span class="count"
                          >${count}<span class="visually-hidden"> ${count === 1 ? 'message' : 'messages'}</span></span
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
