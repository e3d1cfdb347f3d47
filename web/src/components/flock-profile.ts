// A user's profile: their avatar, display name and username, bio, counts (followers and following link
// to the lists), a Follow/Unfollow button for others, an edit form for the owner, and their messages (a
// feed filtered by author). The data is ProfileController's; this renders it.
import type { Profile } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { sessionContext } from '../context.ts';
import { ProfileController } from '../controllers/profile-controller.ts';
import { accountsPath } from '../controllers/router.ts';
import { fullDate } from '../format.ts';
import { profileStyles } from '../styles/profile.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-avatar.ts';
import './flock-feed.ts';
import './flock-profile-form.ts';

export class FlockProfile extends LitElement {
  static override properties = { username: {}, _editing: { state: true } };

  static override styles = [base, controls, profileStyles];

  declare username: string;
  declare _editing: boolean;
  /** Counts the owner's saved edits: the messages below are read again to show the new name. */
  #saves = 0;

  readonly #session = new ContextConsumer(this, { context: sessionContext, subscribe: true });
  readonly #profile = new ProfileController(this, () => this.username);

  constructor() {
    super();
    this._editing = false;
    this.addEventListener('flock-profile-saved', ({ detail }) => {
      this.#saves += 1;
      this.#profile.saved(detail);
      void this.#edit(false);
    });
    this.addEventListener('flock-profile-cancel', () => void this.#edit(false));
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('username')) this._editing = false;
  }

  override render() {
    const { profile, error } = this.#profile;
    return html`
      <section class="card profile" aria-labelledby="name">
        <div class="top">
          <flock-avatar size="large" .username=${this.username}></flock-avatar>
          <h1 id="name">
            ${profile?.displayName ? html`<span class="display">${profile.displayName}</span>` : nothing}
            <span class="name">@${this.username}</span>
            ${profile?.bot ? html`<span class="badge" title="An automated account">bot</span>` : nothing}
          </h1>
          ${profile ? this.#action(profile) : nothing}
        </div>
        ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}
        ${profile ? this.#details(profile) : nothing}
      </section>
      ${
        error
          ? nothing
          : html`<h2>Messages</h2>
              ${keyed(this.#saves, html`<flock-feed .author=${this.username}></flock-feed>`)}`
      }
    `;
  }

  #details(profile: Profile) {
    if (this._editing) return html`<flock-profile-form .profile=${profile}></flock-profile-form>`;
    return html`${profile.bio ? html`<p class="bio">${profile.bio}</p>` : nothing}
      <p class="muted">Joined ${fullDate(profile.createdAt)}</p>
      <dl>
        <div>
          <dt><a href=${accountsPath(profile.username, 'followers')}>Followers</a></dt>
          <dd>${profile.followerCount}</dd>
        </div>
        <div>
          <dt><a href=${accountsPath(profile.username, 'following')}>Following</a></dt>
          <dd>${profile.followingCount}</dd>
        </div>
        <div><dt>Messages</dt><dd>${profile.messageCount}</dd></div>
        <div><dt>Likes received</dt><dd>${profile.likesReceived}</dd></div>
        <div><dt>Likes given</dt><dd>${profile.likesGiven}</dd></div>
      </dl>`;
  }

  /** Follow or Unfollow for another's profile; Edit profile for one's own. */
  #action(profile: Profile) {
    const me = this.#session.value?.user.username;
    if (!me) return nothing;
    if (me === profile.username) {
      return this._editing
        ? nothing
        : html`<button class="secondary edit" @click=${() => this.#edit(true)}>Edit profile</button>`;
    }
    const following = profile.followedByMe;
    return html`<button
      class=${following ? 'secondary follow' : 'follow'}
      ?disabled=${this.#profile.following}
      @click=${() => this.#profile.follow(!following)}
    >
      ${following ? 'Unfollow' : 'Follow'}<span class="visually-hidden"> @${profile.username}</span>
    </button>`;
  }

  /** Opening the form focuses its first field; closing it gives the focus back to Edit profile. */
  async #edit(editing: boolean) {
    this._editing = editing;
    await this.updateComplete;
    if (editing) {
      const form = this.renderRoot.querySelector('flock-profile-form');
      await form?.updateComplete;
      form?.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
    } else {
      this.renderRoot.querySelector<HTMLButtonElement>('.edit')?.focus();
    }
  }
}

customElements.define('flock-profile', FlockProfile);

declare global {
  interface HTMLElementTagNameMap {
    'flock-profile': FlockProfile;
  }
}
