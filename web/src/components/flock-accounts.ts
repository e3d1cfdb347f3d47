// The followers of an account, or the accounts it follows (/users/:name/followers, …/following): each
// with avatar, display name, username and bio, linking to their profile; "Show more" reads the next page.
import type { AccountSummary } from '@flock/shared/api';
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { AccountsController } from '../controllers/accounts-controller.ts';
import { type AccountList, accountsPath, userPath } from '../controllers/router.ts';
import { accountsStyles } from '../styles/accounts.ts';
import { base, controls } from '../styles/shared.ts';
import './flock-avatar.ts';

export class FlockAccounts extends LitElement {
  static override properties = { username: {}, list: {} };

  static override styles = [base, controls, accountsStyles];

  declare username: string;
  declare list: AccountList;

  readonly #accounts = new AccountsController(this, () => ({ username: this.username, list: this.list }));

  constructor() {
    super();
    this.username = '';
    this.list = 'followers';
  }

  override render() {
    const accounts = this.#accounts;
    const followers = this.list === 'followers';
    return html`
      <div class="head">
        <h1>${followers ? 'Followers of' : 'Followed by'} <span class="name">@${this.username}</span></h1>
        <nav aria-label="Lists of @${this.username}">
          <a href=${userPath(this.username)}>Profile</a>
          <a href=${accountsPath(this.username, 'followers')} aria-current=${followers ? 'page' : 'false'}
            >Followers</a
          >
          <a href=${accountsPath(this.username, 'following')} aria-current=${followers ? 'false' : 'page'}
            >Following</a
          >
        </nav>
      </div>
      <section class="card" aria-label=${followers ? 'Followers' : 'Following'} aria-busy=${accounts.loading}>
        ${
          accounts.loadError
            ? html`<div role="alert" class="error">
                ${accounts.loadError}
                <button class="secondary" @click=${() => accounts.retry()}>Try again</button>
              </div>`
            : nothing
        }
        <ul>
          ${repeat(
            accounts.accounts,
            (account) => account.username,
            (account) => html`<li>${this.#account(account)}</li>`,
          )}
        </ul>
        ${
          accounts.loaded && accounts.accounts.length === 0
            ? html`<p class="empty muted">
                ${followers ? `Nobody follows @${this.username} yet.` : `@${this.username} follows nobody yet.`}
              </p>`
            : nothing
        }
        ${
          accounts.loading
            ? html`<div class="more"><span class="muted">Loading…</span></div>`
            : accounts.next
              ? html`<div class="more">
                  <button class="secondary" @click=${() => accounts.loadMore()}>Show more</button>
                </div>`
              : nothing
        }
      </section>
    `;
  }

  #account(account: AccountSummary) {
    return html`<a class="account" href=${userPath(account.username)}>
      <flock-avatar .username=${account.username}></flock-avatar>
      <span class="who">
        <span class="names">
          ${account.displayName ? html`<span class="display">${account.displayName}</span>` : nothing}
          <span class="handle">@${account.username}</span>
          ${account.bot ? html`<span class="badge">bot</span>` : nothing}
        </span>
        ${account.bio ? html`<span class="bio muted">${account.bio}</span>` : nothing}
      </span>
    </a>`;
  }
}

customElements.define('flock-accounts', FlockAccounts);

declare global {
  interface HTMLElementTagNameMap {
    'flock-accounts': FlockAccounts;
  }
}
