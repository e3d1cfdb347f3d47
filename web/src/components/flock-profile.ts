// A user's profile: who they are, their counts, and their messages (a feed filtered by author).
import { TaskStatus } from '@lit/task';
import { html, LitElement, nothing } from 'lit';
import { ApiError } from '../api.ts';
import { apiTask } from '../controllers/api-task.ts';
import { fullDate } from '../format.ts';
import { profileStyles } from '../styles/profile.ts';
import { base } from '../styles/shared.ts';
import './flock-feed.ts';

export class FlockProfile extends LitElement {
  static override properties = { username: {} };

  static override styles = [base, profileStyles];

  declare username: string;

  readonly #profile = apiTask(this, {
    args: () => [this.username] as const,
    load: (api, [username], signal) => api.profile(username, signal),
  });

  override render() {
    const task = this.#profile;
    const profile = task.status === TaskStatus.COMPLETE ? task.value : undefined;
    const error = task.status === TaskStatus.ERROR ? this.#describe(task.error) : undefined;
    return html`
      <section class="card profile" aria-labelledby="name">
        <h1 id="name">
          <span class="name">@${this.username}</span>
          ${profile?.bot ? html`<span class="badge" title="An automated account">bot</span>` : nothing}
        </h1>
        ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
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
        error
          ? nothing
          : html`<h2>Messages</h2>
              <flock-feed .author=${this.username}></flock-feed>`
      }
    `;
  }

  #describe(error: unknown) {
    return error instanceof ApiError && error.status === 404
      ? `There is no user @${this.username}.`
      : 'This profile could not be loaded.';
  }
}

customElements.define('flock-profile', FlockProfile);

declare global {
  interface HTMLElementTagNameMap {
    'flock-profile': FlockProfile;
  }
}
